import type { Migration } from '../db/database';
import { keyOrderSql } from './track-rows';

/**
 * The DJ domain's tables: lists (folders, crates, playlists, smart
 * playlists) in one tree, and the items of crates and playlists.
 *
 * An item names its track by `source` + `ref` — a library track id for
 * `local`, a catalog id for `coop` — with no foreign key, so a crate keeps
 * its entries when a drive is unplugged or a folder removed and re-added;
 * the `label` keeps "Artist – Title" to show meanwhile.
 *
 * Positions are integers with gaps (`POSITION_STEP`), so a move writes only
 * the moved rows; when a gap runs out, the list is renumbered (compacted).
 */
export const djMigrations: Migration[] = [
  {
    id: 'dj-001-lists',
    up(db) {
      db.exec(`
        CREATE TABLE dj_lists (
          id INTEGER PRIMARY KEY,
          parent_id INTEGER REFERENCES dj_lists(id) ON DELETE CASCADE,
          kind TEXT NOT NULL CHECK (kind IN ('folder', 'crate', 'playlist', 'smart')),
          name TEXT NOT NULL,
          position INTEGER NOT NULL,
          query TEXT,
          sort TEXT,
          direction TEXT CHECK (direction IN ('asc', 'desc')),
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        ) STRICT;
        CREATE UNIQUE INDEX dj_lists_sibling_name ON dj_lists(coalesce(parent_id, 0), name COLLATE NOCASE);

        CREATE TABLE dj_list_items (
          id INTEGER PRIMARY KEY,
          list_id INTEGER NOT NULL REFERENCES dj_lists(id) ON DELETE CASCADE,
          source TEXT NOT NULL CHECK (source IN ('local', 'coop')),
          ref TEXT NOT NULL,
          position INTEGER NOT NULL,
          label TEXT NOT NULL DEFAULT '',
          added_at INTEGER NOT NULL,
          UNIQUE (list_id, source, ref)
        ) STRICT;
        CREATE INDEX dj_list_items_order ON dj_list_items(list_id, position);

        -- Filters DJs use most, so a query stays fast at 100,000 tracks.
        CREATE INDEX dj_tracks_bpm ON library_tracks(bpm);
        CREATE INDEX dj_tracks_key ON library_tracks(musical_key);
      `);
    },
  },
  {
    // A narrow covering index of the columns DJ filters read, so a query
    // scans it (~10x narrower than the rows) instead of the whole table.
    // Artist, title and album filters go through the library's FTS index.
    id: 'dj-002-filter-index',
    up(db) {
      db.exec(`
        DROP INDEX IF EXISTS dj_tracks_bpm;
        DROP INDEX IF EXISTS dj_tracks_key;
        CREATE INDEX dj_tracks_filter ON library_tracks(
          status, bpm, musical_key, play_count, added_at, last_played_at, year, genre, codec, container
        );
        ANALYZE;
      `);
    },
  },
  {
    // Sorting by key (Camelot wheel order) walks this expression index. If the
    // key spellings ever change, a new migration must recreate it.
    id: 'dj-003-key-order-index',
    up(db) {
      db.exec(`CREATE INDEX dj_tracks_key_order ON library_tracks(status, (${keyOrderSql('musical_key')}))`);
    },
  },
  {
    // One index per kind of filter, each leading with what that filter seeks
    // (so a count reads only the matching entries) and then holding every
    // column DJ filters test, so counting never reads a table row, whatever
    // index the planner picks:
    // - numbers, key, added: also the BPM, key and date-added sorts in full
    //   (tie-break columns next), so a page walks one of them in order and
    //   tests filters in the index before reading a row;
    // - key: the Camelot position (the key-order expression, 0–23, 99 for
    //   none), so `key:8A` / `key:~8A` are 1–4 range seeks;
    // - genre: genre after status, so the distinct genres are found by a
    //   loose index scan and `genre:house` becomes `genre IN (those matching)`;
    // - plays: `plays:0 added:>1y` as an equality plus a range.
    // The key expression must stay textually the same as `KEY_CODE_SQL` in
    // track-rows.ts (a new migration recreates these if spellings change).
    // Query code names numbers, key and added with INDEXED BY.
    id: 'dj-004-filter-indexes-v2',
    up(db) {
      const key = `(${keyOrderSql('musical_key')})`;
      const ties = 'album COLLATE NOCASE, disc_no, track_no';
      db.exec(`
        DROP INDEX IF EXISTS dj_tracks_filter;
        DROP INDEX IF EXISTS dj_tracks_key_order;
        DROP INDEX IF EXISTS dj_tracks_numbers;
        DROP INDEX IF EXISTS dj_tracks_key;
        DROP INDEX IF EXISTS dj_tracks_genre;
        DROP INDEX IF EXISTS dj_tracks_plays;
        CREATE INDEX dj_tracks_numbers ON library_tracks(status, bpm, ${ties}, play_count, added_at, last_played_at, year, ${key}, genre);
        CREATE INDEX dj_tracks_key ON library_tracks(status, ${key}, ${ties}, bpm, play_count, added_at, last_played_at, year, genre);
        CREATE INDEX dj_tracks_added ON library_tracks(status, added_at, ${ties}, bpm, play_count, last_played_at, year, ${key}, genre);
        CREATE INDEX dj_tracks_genre ON library_tracks(status, genre, bpm, play_count, added_at, last_played_at, year, ${key}, codec, container);
        CREATE INDEX dj_tracks_plays ON library_tracks(status, play_count, added_at, bpm, last_played_at, year, ${key}, genre);
        ANALYZE library_tracks;
      `);
    },
  },
  {
    // The co-op rows' "last played" is one seek per track. Stream to own's
    // tables come first in the app's migrations; a database without them
    // (DJ tests) has nothing to index.
    id: 'dj-005-coop-last-played',
    up(db) {
      if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'coop_plays'").get()) {
        db.exec('CREATE INDEX dj_coop_plays_last ON coop_plays(track_id, counted_at)');
      }
    },
  },
];

export const POSITION_STEP = 1024;
