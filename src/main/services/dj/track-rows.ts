import { sql } from 'kysely';
import type { Db } from '../db/database';
import type { CoopDjTrack, LocalDjTrack } from '../../../shared/contract/dj';
import type { TrackSortField } from '../../../shared/contract/library';
import { ALL_KEYS, convertKey, keySpellings } from '../../../shared/musical-key';
import { TRACK_COLUMNS, toLibraryTrack, type TrackRow } from '../library/track-rows';
import { djDb, sqlQuery, type DjDb } from './dj-db';

/** Reading library rows as DJ tracks (the library's shape plus both key notations). */

export { TRACK_COLUMNS, type TrackRow };

/**
 * Keys sort by the Camelot wheel (1A, 1B, 2A, …), whatever notation the tag
 * uses; tracks without a key come last. Built from our own key table, not
 * from user text.
 */
export function keyOrderSql(column: string): string {
  return `CASE ${column} ${ALL_KEYS.flatMap((key, i) => keySpellings(key).map((s) => `WHEN '${s}' THEN ${i}`)).join(' ')} ELSE 99 END`;
}
/**
 * A track's key as its wheel position (0 = 1A … 23 = 12B, 99 = none). The
 * same expression is indexed (schema `dj-004`), so key filters seek it and
 * sorting by key walks it.
 */
export const KEY_CODE_SQL = keyOrderSql('t.musical_key');
const KEY_ORDER_SQL = KEY_CODE_SQL;

/** The SQL behind each sort; ties fall back to album order, then id, so paging is stable. */
export const SORT_SQL: Record<TrackSortField, string> = {
  title: 't.title COLLATE NOCASE',
  artist: 't.artist COLLATE NOCASE',
  album: 't.album COLLATE NOCASE',
  albumArtist: 't.album_artist COLLATE NOCASE',
  year: 't.year',
  genre: 't.genre COLLATE NOCASE',
  durationMs: 't.duration_ms',
  trackNo: 't.track_no',
  bpm: 't.bpm',
  key: KEY_ORDER_SQL,
  format: 't.codec',
  playCount: 't.play_count',
  lastPlayedAt: 't.last_played_at',
  addedAt: 't.added_at',
  path: 't.path',
};
export const TIE_BREAK = 't.album COLLATE NOCASE, t.disc_no, t.track_no, t.id';

/**
 * The full ORDER BY of a sort. Ties run in the same direction as the sort,
 * so one index (sort column, then album, disc, track; rowid last) gives the
 * whole order read forwards or backwards, with no sorting of runs of equal
 * values (such as the many tracks without a BPM or key).
 */
export function orderBySql(sort: TrackSortField, direction: 'asc' | 'desc'): string {
  const dir = direction === 'desc' ? 'DESC' : 'ASC';
  return `ORDER BY ${[SORT_SQL[sort], ...TIE_BREAK.split(', ')].map((term) => `${term} ${dir}`).join(', ')}`;
}

export function toDjTrack(row: TrackRow): LocalDjTrack {
  return {
    source: 'local',
    owned: true,
    ...toLibraryTrack(row),
    camelotKey: convertKey(row.musical_key, 'camelot'),
    musicalKey: convertKey(row.musical_key, 'musical'),
  };
}

export function trackById(db: Db, id: number): LocalDjTrack | null {
  const typed = djDb(db);
  const row = typed.get(
    sqlQuery(typed, sql<TrackRow>`SELECT ${sql.raw(TRACK_COLUMNS)} FROM library_tracks t WHERE t.id = ${id}`),
  );
  return row ? toDjTrack(row) : null;
}

/** The file behind a local track (the exact bytes for a non-UTF-8 name), with the facts export needs. */
export interface TrackFile {
  track: LocalDjTrack;
  /** Path to open: a string, or a Buffer for a file name that is not UTF-8. */
  file: string | Buffer;
  size: number;
}

export function trackFile(db: Db, id: number): TrackFile | null {
  const typed = djDb(db);
  const row = typed.get(
    sqlQuery(
      typed,
      sql<
        TrackRow & { path_bytes: Buffer | null; size: number }
      >`SELECT ${sql.raw(TRACK_COLUMNS)}, t.path_bytes, t.size
        FROM library_tracks t WHERE t.id = ${id}`,
    ),
  );
  if (!row) return null;
  return { track: toDjTrack(row), file: row.path_bytes ?? row.path, size: row.size };
}

export function trackLabel(track: { artist: string; title: string }): string {
  return track.artist ? `${track.artist} – ${track.title}` : track.title;
}

/**
 * The co-op catalog as DJ rows: a derived table with the library's column
 * names (what the catalog lacks is NULL or ''), so sorting expressions and
 * compiled queries (target `coop`) read it like `library_tracks`. Last played
 * is the latest counted play or preview (one seek of `dj_coop_plays_last`). Owned: the
 * listener owns it (progress says so, or nine paid plays), or it is their
 * own release.
 */
export const COOP_ROWS_SQL = `(SELECT c.id AS id, '' AS path, c.title AS title, c.artist AS artist, c.artist AS album_artist,
    coalesce(c.album, '') AS album, NULL AS album_id, NULL AS artist_id, NULL AS track_no, NULL AS disc_no, NULL AS year,
    '' AS genre, c.duration_ms AS duration_ms, '' AS container, '' AS codec, NULL AS bitrate, NULL AS sample_rate,
    NULL AS bpm, NULL AS musical_key, 0 AS has_art, 'ok' AS status, coalesce(p.counted_plays, 0) AS play_count,
    (SELECT max(counted_at) FROM coop_plays WHERE track_id = c.id) AS last_played_at, coalesce(p.owned_at, c.updated_at) AS added_at,
    (coalesce(p.owned, 0) = 1 OR coalesce(p.paid_plays, 0) >= 9 OR c.is_own = 1) AS owned, c.local_file AS local_file
  FROM coop_tracks c
  LEFT JOIN coop_track_progress p ON p.track_id = c.id
  -- An unpublished release stays only with the listeners who own it (the server's rule).
  WHERE c.published = 1 OR coalesce(p.owned, 0) = 1 OR coalesce(p.paid_plays, 0) >= 9 OR c.is_own = 1)`;

export const COOP_COLUMNS = `${TRACK_COLUMNS}, t.owned, t.local_file`;

export interface CoopRow extends Omit<TrackRow, 'id'> {
  id: string;
  owned: number;
  local_file: string | null;
}

export function toCoopDjTrack(row: CoopRow): CoopDjTrack {
  return {
    source: 'coop',
    id: row.id,
    owned: row.owned === 1,
    downloaded: row.local_file !== null,
    path: '',
    title: row.title,
    artist: row.artist,
    albumArtist: row.album_artist,
    album: row.album,
    albumId: null,
    artistId: null,
    trackNo: null,
    discNo: null,
    year: null,
    genre: '',
    durationMs: row.duration_ms,
    format: '',
    bitrate: null,
    sampleRate: null,
    bpm: null,
    key: null,
    hasArt: false,
    status: 'ok',
    playCount: row.play_count,
    lastPlayedAt: row.last_played_at,
    addedAt: row.added_at,
    mediaPath: '',
    coverPath: '',
    camelotKey: null,
    musicalKey: null,
  };
}

/** Whether this database has the co-op catalog cache (the stream-to-own tables). */
export function hasCoopTables(db: Db): boolean {
  const typed = djDb(db);
  const names = ['coop_tracks', 'coop_track_progress', 'coop_plays'];
  const found = typed.get(
    typed.q
      .selectFrom('sqlite_master')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('type', '=', 'table')
      .where('name', 'in', names),
  );
  return found?.n === names.length;
}

/** Whether this database has the table (another domain's, whose migrations may not have run here). */
export function hasTable(db: DjDb, name: string): boolean {
  return (
    db.get(
      db.q
        .selectFrom('sqlite_master')
        .select((eb) => eb.lit(1).as('found'))
        .where('type', '=', 'table')
        .where('name', '=', name),
    ) !== undefined
  );
}

/** A co-op track as a DJ row, with its downloaded file (null when not downloaded); null when not cached here. */
export function coopTrackFile(db: Db, id: string): { track: CoopDjTrack; file: string | null } | null {
  if (!hasCoopTables(db)) return null;
  const typed = djDb(db);
  const row = typed.get(
    sqlQuery(
      typed,
      sql<CoopRow>`SELECT ${sql.raw(COOP_COLUMNS)} FROM ${sql.raw(COOP_ROWS_SQL)} t WHERE t.id = ${id}`,
    ),
  );
  return row ? { track: toCoopDjTrack(row), file: row.local_file } : null;
}

export function coopTrackById(db: Db, id: string): CoopDjTrack | null {
  return coopTrackFile(db, id)?.track ?? null;
}
