import type { Migration } from '../db/database';

/**
 * The library's tables. Tracks are never deleted by a scan: a vanished file
 * becomes `missing` and a file under an unreachable folder `unavailable`, so
 * play counts and history survive unplugged drives and moved files.
 *
 * Paths are stored as text. A file name that is not valid UTF-8 (possible
 * on Linux) cannot be a JS string, so its exact bytes live in `path_bytes`
 * and `path` holds a readable, unique stand-in (see `scan/paths.ts`).
 */
export const libraryMigrations: Migration[] = [
  {
    id: 'library-001-initial',
    up(db) {
      db.exec(`
        CREATE TABLE library_folders (
          id INTEGER PRIMARY KEY,
          path TEXT NOT NULL UNIQUE,
          available INTEGER NOT NULL DEFAULT 1,
          added_at INTEGER NOT NULL,
          last_scan_at INTEGER
        ) STRICT;

        CREATE TABLE library_artists (
          id INTEGER PRIMARY KEY,
          name TEXT NOT NULL UNIQUE COLLATE NOCASE
        ) STRICT;

        CREATE TABLE library_albums (
          id INTEGER PRIMARY KEY,
          title TEXT NOT NULL COLLATE NOCASE,
          album_artist TEXT NOT NULL COLLATE NOCASE,
          UNIQUE (title, album_artist)
        ) STRICT;

        CREATE TABLE library_tracks (
          id INTEGER PRIMARY KEY,
          folder_id INTEGER NOT NULL REFERENCES library_folders(id) ON DELETE CASCADE,
          path TEXT NOT NULL UNIQUE,
          path_bytes BLOB,
          size INTEGER NOT NULL,
          mtime_ms INTEGER NOT NULL,
          fingerprint TEXT NOT NULL,
          status TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'missing', 'unavailable')),
          title TEXT NOT NULL,
          artist TEXT NOT NULL,
          album_artist TEXT NOT NULL,
          album TEXT NOT NULL,
          artist_id INTEGER REFERENCES library_artists(id),
          album_id INTEGER REFERENCES library_albums(id),
          track_no INTEGER,
          track_of INTEGER,
          disc_no INTEGER,
          year INTEGER,
          genre TEXT NOT NULL DEFAULT '',
          duration_ms INTEGER NOT NULL DEFAULT 0,
          container TEXT NOT NULL DEFAULT '',
          codec TEXT NOT NULL DEFAULT '',
          bitrate INTEGER,
          sample_rate INTEGER,
          bpm REAL,
          musical_key TEXT,
          rg_track_gain REAL,
          rg_track_peak REAL,
          rg_album_gain REAL,
          rg_album_peak REAL,
          has_art INTEGER NOT NULL DEFAULT 0,
          tags_from_names INTEGER NOT NULL DEFAULT 0,
          added_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          play_count INTEGER NOT NULL DEFAULT 0,
          last_played_at INTEGER
        ) STRICT;

        CREATE INDEX library_tracks_folder ON library_tracks(folder_id);
        CREATE INDEX library_tracks_fingerprint ON library_tracks(fingerprint);
        CREATE INDEX library_tracks_album ON library_tracks(album_id, disc_no, track_no);
        CREATE INDEX library_tracks_artist ON library_tracks(artist_id);
        CREATE INDEX library_tracks_title ON library_tracks(status, title COLLATE NOCASE);
        CREATE INDEX library_tracks_artist_sort ON library_tracks(status, artist COLLATE NOCASE, album COLLATE NOCASE, disc_no, track_no);
        CREATE INDEX library_tracks_added ON library_tracks(status, added_at);
        CREATE INDEX library_tracks_album_sort ON library_tracks(status, album COLLATE NOCASE, disc_no, track_no);

        -- Files that could not become tracks, with the reason. Size and mtime
        -- let an unchanged bad file be skipped on the next scan.
        CREATE TABLE library_problems (
          path TEXT PRIMARY KEY,
          path_bytes BLOB,
          folder_id INTEGER NOT NULL REFERENCES library_folders(id) ON DELETE CASCADE,
          reason TEXT NOT NULL,
          detail TEXT NOT NULL DEFAULT '',
          size INTEGER,
          mtime_ms INTEGER,
          seen_at INTEGER NOT NULL
        ) STRICT;

        -- One row: the scan in progress. A row left 'running' at start-up
        -- means the app stopped mid-scan; the scan is resumed, and the files
        -- it already stored are skipped as unchanged.
        CREATE TABLE library_scan_state (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          status TEXT NOT NULL CHECK (status IN ('running', 'done', 'cancelled', 'failed')),
          folder_ids TEXT NOT NULL,
          started_at INTEGER NOT NULL,
          finished_at INTEGER,
          files_done INTEGER NOT NULL DEFAULT 0
        ) STRICT;

        -- Search: prefix queries ("beat*") and accents folded ("Beyoncé" = "beyonce").
        CREATE VIRTUAL TABLE library_tracks_fts USING fts5(
          title, artist, album, genre,
          content='library_tracks', content_rowid='id',
          tokenize = 'unicode61 remove_diacritics 2',
          prefix = '1 2 3'
        );
        CREATE TRIGGER library_tracks_fts_ai AFTER INSERT ON library_tracks BEGIN
          INSERT INTO library_tracks_fts(rowid, title, artist, album, genre)
          VALUES (new.id, new.title, new.artist || ' ' || new.album_artist, new.album, new.genre);
        END;
        CREATE TRIGGER library_tracks_fts_ad AFTER DELETE ON library_tracks BEGIN
          INSERT INTO library_tracks_fts(library_tracks_fts, rowid, title, artist, album, genre)
          VALUES ('delete', old.id, old.title, old.artist || ' ' || old.album_artist, old.album, old.genre);
        END;
        CREATE TRIGGER library_tracks_fts_au AFTER UPDATE OF title, artist, album_artist, album, genre ON library_tracks BEGIN
          INSERT INTO library_tracks_fts(library_tracks_fts, rowid, title, artist, album, genre)
          VALUES ('delete', old.id, old.title, old.artist || ' ' || old.album_artist, old.album, old.genre);
          INSERT INTO library_tracks_fts(rowid, title, artist, album, genre)
          VALUES (new.id, new.title, new.artist || ' ' || new.album_artist, new.album, new.genre);
        END;
      `);
    },
  },
  {
    // Quick search over albums and artists as small indexes of their own:
    // matching a name no longer walks the tracks' index and groups the hits.
    id: 'library-002-album-artist-search',
    up(db) {
      db.exec(`
        CREATE VIRTUAL TABLE library_albums_fts USING fts5(
          title, album_artist,
          content='library_albums', content_rowid='id',
          tokenize = 'unicode61 remove_diacritics 2',
          prefix = '1 2 3'
        );
        CREATE TRIGGER library_albums_fts_ai AFTER INSERT ON library_albums BEGIN
          INSERT INTO library_albums_fts(rowid, title, album_artist) VALUES (new.id, new.title, new.album_artist);
        END;
        CREATE TRIGGER library_albums_fts_ad AFTER DELETE ON library_albums BEGIN
          INSERT INTO library_albums_fts(library_albums_fts, rowid, title, album_artist)
          VALUES ('delete', old.id, old.title, old.album_artist);
        END;
        CREATE TRIGGER library_albums_fts_au AFTER UPDATE OF title, album_artist ON library_albums BEGIN
          INSERT INTO library_albums_fts(library_albums_fts, rowid, title, album_artist)
          VALUES ('delete', old.id, old.title, old.album_artist);
          INSERT INTO library_albums_fts(rowid, title, album_artist) VALUES (new.id, new.title, new.album_artist);
        END;
        INSERT INTO library_albums_fts(library_albums_fts) VALUES ('rebuild');

        CREATE VIRTUAL TABLE library_artists_fts USING fts5(
          name,
          content='library_artists', content_rowid='id',
          tokenize = 'unicode61 remove_diacritics 2',
          prefix = '1 2 3'
        );
        CREATE TRIGGER library_artists_fts_ai AFTER INSERT ON library_artists BEGIN
          INSERT INTO library_artists_fts(rowid, name) VALUES (new.id, new.name);
        END;
        CREATE TRIGGER library_artists_fts_ad AFTER DELETE ON library_artists BEGIN
          INSERT INTO library_artists_fts(library_artists_fts, rowid, name) VALUES ('delete', old.id, old.name);
        END;
        CREATE TRIGGER library_artists_fts_au AFTER UPDATE OF name ON library_artists BEGIN
          INSERT INTO library_artists_fts(library_artists_fts, rowid, name) VALUES ('delete', old.id, old.name);
          INSERT INTO library_artists_fts(rowid, name) VALUES (new.id, new.name);
        END;
        INSERT INTO library_artists_fts(library_artists_fts) VALUES ('rebuild');
      `);
    },
  },
  {
    // Bulk inserts (a scan's batches) index their new rows for search in one
    // statement per batch, ~3x cheaper than a trigger per row. While the one
    // row of library_fts_deferred exists (only ever inside the writer's own
    // transaction, so no other connection sees it and a crash cannot leave
    // it), the insert triggers do nothing; the writer then indexes every row
    // above the batch's starting id and deletes the row before committing.
    id: 'library-003-deferred-fts',
    up(db) {
      db.exec(`
        CREATE TABLE library_fts_deferred (id INTEGER PRIMARY KEY CHECK (id = 1)) STRICT;
        DROP TRIGGER library_tracks_fts_ai;
        CREATE TRIGGER library_tracks_fts_ai AFTER INSERT ON library_tracks
        WHEN NOT EXISTS (SELECT 1 FROM library_fts_deferred) BEGIN
          INSERT INTO library_tracks_fts(rowid, title, artist, album, genre)
          VALUES (new.id, new.title, new.artist || ' ' || new.album_artist, new.album, new.genre);
        END;
        DROP TRIGGER library_albums_fts_ai;
        CREATE TRIGGER library_albums_fts_ai AFTER INSERT ON library_albums
        WHEN NOT EXISTS (SELECT 1 FROM library_fts_deferred) BEGIN
          INSERT INTO library_albums_fts(rowid, title, album_artist) VALUES (new.id, new.title, new.album_artist);
        END;
        DROP TRIGGER library_artists_fts_ai;
        CREATE TRIGGER library_artists_fts_ai AFTER INSERT ON library_artists
        WHEN NOT EXISTS (SELECT 1 FROM library_fts_deferred) BEGIN
          INSERT INTO library_artists_fts(rowid, name) VALUES (new.id, new.name);
        END;
      `);
    },
  },
];
