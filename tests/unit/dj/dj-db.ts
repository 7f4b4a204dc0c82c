import { openDatabase, migrate, type Db } from '../../../src/main/services/db/database';
import { libraryMigrations } from '../../../src/main/services/library/schema';
import { djMigrations } from '../../../src/main/services/dj/schema';

/** A library database with the DJ tables, and a way to add tracks to it directly. */
export function openDjTestDb(file = ':memory:'): Db {
  const db = openDatabase(file);
  migrate(db, [...libraryMigrations, ...djMigrations]);
  db.prepare("INSERT INTO library_folders (id, path, added_at) VALUES (1, '/music', 0)").run();
  return db;
}

export interface TestTrack {
  path: string;
  title: string;
  artist: string;
  album?: string;
  genre?: string;
  bpm?: number | null;
  key?: string | null;
  playCount?: number;
  addedAt?: number;
  durationMs?: number;
  size?: number;
  codec?: string;
}

export function addTrack(db: Db, t: TestTrack): number {
  const result = db
    .prepare(
      `INSERT INTO library_tracks (folder_id, path, size, mtime_ms, fingerprint, title, artist, album_artist, album, genre,
         duration_ms, codec, bpm, musical_key, play_count, added_at, updated_at)
       VALUES (1, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      t.path,
      t.size ?? 1000,
      `fp:${t.path}`,
      t.title,
      t.artist,
      t.artist,
      t.album ?? '',
      t.genre ?? '',
      t.durationMs ?? 240_000,
      t.codec ?? 'MPEG 1 Layer 3',
      t.bpm ?? null,
      t.key ?? null,
      t.playCount ?? 0,
      t.addedAt ?? 0,
      t.addedAt ?? 0,
    );
  return Number(result.lastInsertRowid);
}
