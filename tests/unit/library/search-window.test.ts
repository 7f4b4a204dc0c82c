import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, openDatabase, type Db } from '../../../src/main/services/db/database';
import { allMigrations } from '../../../src/main/services/db/migrations';
import { LibraryQueries } from '../../../src/main/services/library/library-queries';
import type { TrackQuery, TrackSortField } from '../../../src/shared/contract/library';

/**
 * Searched windows come from kept match sets and whole-library orders: they
 * must be exactly the rows plain SQL (filter, ORDER BY, LIMIT/OFFSET) gives,
 * at any offset, and follow every change to the library.
 */
const WORDS = ['love', 'night', 'dance', 'café', 'blue', 'gold'];
const SORTS: TrackSortField[] = [
  'title',
  'artist',
  'album',
  'durationMs',
  'year',
  'addedAt',
  'playCount',
  'bpm',
];

let db: Db;
let queries: LibraryQueries;

beforeEach(() => {
  db = openDatabase(':memory:');
  migrate(db, allMigrations);
  db.prepare("INSERT INTO library_folders (id, path, added_at) VALUES (1, '/m', 0)").run();
  const insert =
    db.prepare(`INSERT INTO library_tracks (folder_id, path, size, mtime_ms, fingerprint, status, title, artist,
      album_artist, album, track_no, disc_no, year, genre, duration_ms, bpm, play_count, added_at, updated_at)
    VALUES (1, ?, 1, 0, ?, ?, ?, ?, '', ?, ?, ?, ?, 'Pop', ?, ?, ?, ?, 0)`);
  for (let i = 0; i < 400; i++) {
    const w = (k: number) => WORDS[(i * 7 + k * 3) % WORDS.length]!;
    insert.run(
      `/m/${i}`,
      `fp${i}`,
      i % 17 === 0 ? 'missing' : 'ok',
      `${w(1)} ${w(2)}`,
      `${w(3)} Artist`,
      `${w(4)} Album`,
      i % 5 === 0 ? null : i % 12,
      i % 3 === 0 ? null : 1,
      i % 4 === 0 ? null : 1990 + (i % 9),
      1000 * (i % 23),
      i % 6 === 0 ? null : 90 + (i % 40),
      i % 4,
      i % 50,
    );
  }
  queries = new LibraryQueries(db);
});
afterEach(() => db.close());

function reference(query: TrackQuery): { total: number; ids: number[] } {
  const match = `{title artist album genre} : (${query
    .search!.match(/[\p{L}\p{N}]+/gu)!
    .map((w) => `"${w}"*`)
    .join(' ')})`;
  const terms: Record<string, string> = {
    title: 'title COLLATE NOCASE',
    artist: 'artist COLLATE NOCASE, album COLLATE NOCASE, disc_no, track_no',
    album: 'album COLLATE NOCASE, disc_no, track_no',
    durationMs: 'duration_ms',
    year: 'year',
    addedAt: 'added_at',
    playCount: 'play_count',
    bpm: 'bpm',
  };
  const dir = query.direction === 'desc' ? 'DESC' : 'ASC';
  const order = [...terms[query.sort]!.split(', '), 'id'].map((t) => `${t} ${dir}`).join(', ');
  const where = `${query.status === 'all' ? '' : 'status = ? AND'} id IN (SELECT rowid FROM library_tracks_fts WHERE library_tracks_fts MATCH ?)`;
  const params = query.status === 'all' ? [match] : [query.status, match];
  const total = (
    db.prepare(`SELECT count(*) AS n FROM library_tracks WHERE ${where}`).get(...params) as { n: number }
  ).n;
  const ids = db
    .prepare(`SELECT id FROM library_tracks WHERE ${where} ORDER BY ${order} LIMIT ? OFFSET ?`)
    .pluck()
    .all(...params, query.limit, query.offset) as number[];
  return { total, ids };
}

function check(
  search: string,
  sort: TrackSortField,
  direction: 'asc' | 'desc',
  status: TrackQuery['status'],
  offset: number,
): void {
  const query: TrackQuery = { search, sort, direction, status, offset, limit: 25 };
  const got = queries.tracks(query);
  const want = reference(query);
  expect({ total: got.total, ids: got.rows.map((r) => r.id) }, JSON.stringify(query)).toEqual(want);
}

describe('searched track windows', () => {
  it('are the rows plain SQL gives, for every sort, direction, status and offset', () => {
    for (const search of ['l', 'love', 'cafe night', 'zzz']) {
      for (const sort of SORTS) {
        for (const direction of ['asc', 'desc'] as const) {
          for (const status of ['ok', 'missing', 'all'] as const) {
            for (const offset of [0, 10, 60, 150, 1000]) check(search, sort, direction, status, offset);
          }
        }
      }
    }
  });

  it('follow changes to the library: plays, new tracks, status and tag changes', () => {
    const before = queries.tracks({
      search: 'love',
      sort: 'playCount',
      direction: 'desc',
      status: 'ok',
      offset: 0,
      limit: 5,
    });
    const last = queries.tracks({
      search: 'love',
      sort: 'playCount',
      direction: 'asc',
      status: 'ok',
      offset: 0,
      limit: 1,
    }).rows[0]!;
    db.prepare('UPDATE library_tracks SET play_count = 1000 WHERE id = ?').run(last.id);
    const after = queries.tracks({
      search: 'love',
      sort: 'playCount',
      direction: 'desc',
      status: 'ok',
      offset: 0,
      limit: 5,
    });
    expect(after.rows[0]!.id).toBe(last.id);
    expect(after.rows[0]!.id).not.toBe(before.rows[0]!.id);
    db.prepare(
      `INSERT INTO library_tracks (folder_id, path, size, mtime_ms, fingerprint, title, artist, album_artist, album, added_at, updated_at)
      VALUES (1, '/m/new', 1, 0, 'new', 'Aaa Love', 'X', '', 'Y', 99, 0)`,
    ).run();
    expect(
      queries.tracks({ search: 'love', sort: 'title', direction: 'asc', status: 'ok', offset: 0, limit: 1 })
        .rows[0]!.title,
    ).toBe('Aaa Love');
    check('love', 'title', 'asc', 'ok', 0);
    db.prepare("UPDATE library_tracks SET status = 'missing' WHERE path = '/m/new'").run();
    check('love', 'title', 'asc', 'ok', 0);
    check('love', 'title', 'asc', 'missing', 0);
    db.prepare("UPDATE library_tracks SET title = 'Zzz Gold' WHERE path = '/m/new'").run();
    check('love', 'title', 'asc', 'all', 0);
    check('gold', 'title', 'desc', 'all', 0);
  });
});
