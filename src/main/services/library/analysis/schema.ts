import type { Migration } from '../../db/database';

/**
 * What the library learnt from each track's audio (ReplayGain, tempo, key),
 * kept apart from the tags.
 *
 * `library_analysis` keeps every measurement with the size and mtime of the
 * file it was made on (a changed file is measured again). Where a track has
 * no tag of its own, the measured value is copied into `library_tracks`
 * (rg_track_gain/peak, bpm, musical_key), so the player, the library and the
 * DJ views read it as they read tags, and a `*_detected` flag says it was
 * measured. Tags are never overwritten: a value is copied only into an empty
 * column. When anything else writes that column later (a rescan of a changed
 * file, the tag editor), the triggers clear the flag, so a real tag never
 * passes for a measured one.
 */
export const libraryAnalysisMigrations: Migration[] = [
  {
    id: 'analysis-001-track-analysis',
    up(db) {
      db.exec(`
        CREATE TABLE library_analysis (
          track_id INTEGER PRIMARY KEY REFERENCES library_tracks(id) ON DELETE CASCADE,
          size INTEGER NOT NULL,
          mtime_ms INTEGER NOT NULL,
          analysed_at INTEGER NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
          detail TEXT NOT NULL DEFAULT '',
          integrated_lufs REAL,
          track_gain_db REAL,
          sample_peak REAL,
          true_peak REAL,
          bpm REAL,
          bpm_confidence REAL,
          musical_key TEXT,
          key_confidence REAL,
          elapsed_ms INTEGER
        ) STRICT;

        ALTER TABLE library_tracks ADD COLUMN rg_detected INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE library_tracks ADD COLUMN bpm_detected INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE library_tracks ADD COLUMN key_detected INTEGER NOT NULL DEFAULT 0;

        CREATE TRIGGER library_tracks_rg_written AFTER UPDATE OF rg_track_gain ON library_tracks
        WHEN old.rg_detected = 1 AND new.rg_detected = 1 AND new.rg_track_gain IS NOT old.rg_track_gain BEGIN
          UPDATE library_tracks SET rg_detected = 0 WHERE id = new.id;
        END;
        CREATE TRIGGER library_tracks_bpm_written AFTER UPDATE OF bpm ON library_tracks
        WHEN old.bpm_detected = 1 AND new.bpm_detected = 1 AND new.bpm IS NOT old.bpm BEGIN
          UPDATE library_tracks SET bpm_detected = 0 WHERE id = new.id;
        END;
        CREATE TRIGGER library_tracks_key_written AFTER UPDATE OF musical_key ON library_tracks
        WHEN old.key_detected = 1 AND new.key_detected = 1 AND new.musical_key IS NOT old.musical_key BEGIN
          UPDATE library_tracks SET key_detected = 0 WHERE id = new.id;
        END;
      `);
    },
  },
];
