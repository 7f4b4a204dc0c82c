import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  migrate,
  openDatabase,
  refreshPlannerStatistics,
  type Db,
} from '../../src/main/services/db/database';
import { allMigrations } from '../../src/main/services/db/migrations';

const WORDS = [
  'love',
  'night',
  'dance',
  'summer',
  'blue',
  'gold',
  'moon',
  'light',
  'street',
  'rock',
  'café',
  'rêve',
  'heart',
  'fire',
  'rain',
  'city',
  'dream',
  'star',
  'river',
  'home',
  'road',
  'sky',
  'time',
  'world',
  'soul',
  'in',
  'the',
];
const pick = (n: number, salt: number) => WORDS[((n * 2654435761 + salt * 40503) >>> 0) % WORDS.length]!;

/**
 * Fills a migrated, empty library with `tracks` synthetic rows (5,000 artists,
 * 10,000 albums, three-word titles, accents included) inserted directly: for
 * the figures and tests that need a big library but no real files. Same
 * input, same rows.
 */
export function fillSyntheticLibrary(db: Db, options: { folder: string; tracks: number }): void {
  db.prepare('INSERT INTO library_folders (id, path, added_at) VALUES (1, ?, 0)').run(options.folder);
  const insertArtist = db.prepare('INSERT INTO library_artists (id, name) VALUES (?, ?)');
  const insertAlbum = db.prepare('INSERT INTO library_albums (id, title, album_artist) VALUES (?, ?, ?)');
  const insertTrack =
    db.prepare(`INSERT INTO library_tracks (folder_id, path, size, mtime_ms, fingerprint, title, artist,
      album_artist, album, artist_id, album_id, track_no, year, genre, duration_ms, container, codec, bitrate, sample_rate,
      bpm, musical_key, added_at, updated_at)
    VALUES (1, ?, 1000, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'Pop', 200000, 'MPEG', 'MPEG 1 Layer 3', 320000, 44100, 120, 'Am', ?, ?)`);
  const artistName = (artist: number) => `${pick(artist, 1)} ${pick(artist, 2)} ${artist}`;
  db.transaction(() => {
    for (let a = 0; a < 5000; a++) insertArtist.run(a + 1, artistName(a));
    for (let b = 0; b < 10_000; b++)
      insertAlbum.run(b + 1, `${pick(b, 3)} ${pick(b, 4)} ${b}`, artistName(b % 5000));
    for (let i = 0; i < options.tracks; i++) {
      const album = i % 10_000;
      const artist = album % 5000;
      insertTrack.run(
        join(options.folder, `${i}.mp3`),
        `fp${i}`,
        `${pick(i, 5)} ${pick(i, 6)} ${pick(i, 7)}`,
        artistName(artist),
        artistName(artist),
        `${pick(album, 3)} ${pick(album, 4)} ${album}`,
        artist + 1,
        album + 1,
        (i % 12) + 1,
        1970 + (i % 50),
        i,
        i,
      );
    }
  })();
  // What the app does after a big scan, so queries are planned as in a real library.
  refreshPlannerStatistics(db);
}

/**
 * Where built fixtures are kept between runs: outside the repo (a fresh clone or a
 * `git clean` keeps them), `RESONATE_TEST_CACHE` or the OS temp folder.
 */
export function testCacheDir(): string {
  return process.env.RESONATE_TEST_CACHE ?? join(tmpdir(), 'resonate-test-cache');
}

/**
 * A library database filled by `fillSyntheticLibrary`, built once and kept in
 * `testCacheDir()` under the content hash of what makes it: this generator's
 * source, every migration (id and code) and the options. Another generator or
 * schema is another file; the same ones are a lookup. Built into a temporary file
 * and renamed, so a run that stops halfway, or two runs at once, never leave a
 * half-built file under the final name. Copy the answer; never open it in place.
 */
export function cachedSyntheticLibrary(options: { folder: string; tracks: number }): string {
  const generator = readFileSync(fileURLToPath(import.meta.url), 'utf8');
  const hash = createHash('sha256').update(generator);
  for (const m of allMigrations) hash.update(`\0${m.id}\0${m.up.toString()}`);
  hash.update(`\0${options.folder}\0${options.tracks}`);
  const dir = join(testCacheDir(), 'synthetic-library');
  const file = join(dir, `library-${options.tracks}-${hash.digest('hex').slice(0, 16)}.sqlite`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  rmSync(temp, { force: true });
  const db = openDatabase(temp);
  try {
    migrate(db, allMigrations);
    fillSyntheticLibrary(db, options);
    db.pragma('journal_mode = DELETE'); // one self-contained file to copy
  } finally {
    db.close();
  }
  renameSync(temp, file);
  // Older builds (another generator or schema) are not asked for again: keep the temp folder from filling up.
  for (const old of readdirSync(dir)) {
    if (old.startsWith(`library-${options.tracks}-`) && old.endsWith('.sqlite') && join(dir, old) !== file)
      rmSync(join(dir, old), { force: true });
  }
  return file;
}
