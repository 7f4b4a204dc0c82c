import type { Db } from '../db/database';
import type { DjTrack } from '../../../shared/contract/dj';
import type { TrackSortField } from '../../../shared/contract/library';
import { ALL_KEYS, convertKey, keySpellings } from '../../../shared/musical-key';
import { displayPath } from '../library/scan/paths';
import { formatLabel } from '../library/library-queries';

/** Reading library rows as DJ tracks (the library's shape plus both key notations). */

export const TRACK_COLUMNS = `t.id, t.path, t.title, t.artist, t.album_artist, t.album, t.album_id, t.artist_id, t.track_no,
  t.disc_no, t.year, t.genre, t.duration_ms, t.container, t.codec, t.bitrate, t.sample_rate, t.bpm, t.musical_key,
  t.has_art, t.status, t.play_count, t.last_played_at, t.added_at`;

export interface TrackRow {
  id: number;
  path: string;
  title: string;
  artist: string;
  album_artist: string;
  album: string;
  album_id: number | null;
  artist_id: number | null;
  track_no: number | null;
  disc_no: number | null;
  year: number | null;
  genre: string;
  duration_ms: number;
  container: string;
  codec: string;
  bitrate: number | null;
  sample_rate: number | null;
  bpm: number | null;
  musical_key: string | null;
  has_art: number;
  status: DjTrack['status'];
  play_count: number;
  last_played_at: number | null;
  added_at: number;
}

/**
 * Keys sort by the Camelot wheel (1A, 1B, 2A, …), whatever notation the tag
 * uses; tracks without a key come last. Built from our own key table, not
 * from user text.
 */
export function keyOrderSql(column: string): string {
  return `CASE ${column} ${ALL_KEYS.flatMap((key, i) => keySpellings(key).map((s) => `WHEN '${s}' THEN ${i}`)).join(' ')} ELSE 99 END`;
}
/** The same expression is indexed (schema `dj-003`), so sorting by key walks an index. */
const KEY_ORDER_SQL = keyOrderSql('t.musical_key');

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

export function toDjTrack(row: TrackRow): DjTrack {
  return {
    id: row.id,
    path: displayPath(row.path),
    title: row.title,
    artist: row.artist,
    albumArtist: row.album_artist,
    album: row.album,
    albumId: row.album_id,
    artistId: row.artist_id,
    trackNo: row.track_no,
    discNo: row.disc_no,
    year: row.year,
    genre: row.genre,
    durationMs: row.duration_ms,
    format: formatLabel(row.codec, row.container),
    bitrate: row.bitrate,
    sampleRate: row.sample_rate,
    bpm: row.bpm,
    key: row.musical_key,
    hasArt: row.has_art === 1,
    status: row.status,
    playCount: row.play_count,
    lastPlayedAt: row.last_played_at,
    addedAt: row.added_at,
    mediaPath: `track/local/${row.id}`,
    coverPath: `cover/local/${row.id}`,
    camelotKey: convertKey(row.musical_key, 'camelot'),
    musicalKey: convertKey(row.musical_key, 'musical'),
  };
}

export function trackById(db: Db, id: number): DjTrack | null {
  const row = db.prepare(`SELECT ${TRACK_COLUMNS} FROM library_tracks t WHERE t.id = ?`).get(id) as TrackRow | undefined;
  return row ? toDjTrack(row) : null;
}

/** The file behind a local track (the exact bytes for a non-UTF-8 name), with the facts export needs. */
export interface TrackFile {
  track: DjTrack;
  /** Path to open: a string, or a Buffer for a file name that is not UTF-8. */
  file: string | Buffer;
  size: number;
}

export function trackFile(db: Db, id: number): TrackFile | null {
  const row = db
    .prepare(`SELECT ${TRACK_COLUMNS}, t.path_bytes, t.size FROM library_tracks t WHERE t.id = ?`)
    .get(id) as (TrackRow & { path_bytes: Buffer | null; size: number }) | undefined;
  if (!row) return null;
  return { track: toDjTrack(row), file: row.path_bytes ?? row.path, size: row.size };
}

export function trackLabel(track: { artist: string; title: string }): string {
  return track.artist ? `${track.artist} – ${track.title}` : track.title;
}
