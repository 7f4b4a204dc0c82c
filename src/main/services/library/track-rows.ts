import type { LibraryTrack } from '../../../shared/contract/library';
import type { Selectable } from 'kysely';
import { displayPath } from './scan/paths';
import type { LibraryTracksTable } from './tables';

/**
 * A library track as stored and as the contract shows it. Shared by the
 * library's queries and the DJ views, which read the same table.
 * `TRACK_COLUMN_REFS` is the column list for a Kysely select from
 * `library_tracks as t`; `TRACK_COLUMNS` the same list as SQL text.
 */
export const TRACK_COLUMN_REFS = [
  't.id',
  't.path',
  't.title',
  't.artist',
  't.album_artist',
  't.album',
  't.album_id',
  't.artist_id',
  't.track_no',
  't.disc_no',
  't.year',
  't.genre',
  't.duration_ms',
  't.container',
  't.codec',
  't.bitrate',
  't.sample_rate',
  't.bpm',
  't.musical_key',
  't.has_art',
  't.status',
  't.play_count',
  't.last_played_at',
  't.added_at',
] as const;

export const TRACK_COLUMNS = TRACK_COLUMN_REFS.join(', ');

type TrackColumn = (typeof TRACK_COLUMN_REFS)[number] extends `t.${infer C}` ? C : never;

export type TrackRow = Pick<Selectable<LibraryTracksTable>, TrackColumn>;

export function formatLabel(codec: string, container: string): string {
  const c = codec.toLowerCase();
  if (c.includes('layer 3')) return 'MP3';
  if (c.includes('layer 2')) return 'MP2';
  if (c.includes('flac')) return 'FLAC';
  if (c.includes('opus')) return 'Opus';
  if (c.includes('vorbis')) return 'Vorbis';
  if (c.includes('alac')) return 'ALAC';
  if (c.includes('aac')) return 'AAC';
  if (c.includes('pcm')) return container.toUpperCase().startsWith('AIFF') ? 'AIFF' : 'WAV';
  if (c.includes('wma') || c.includes('windows media')) return 'WMA';
  return codec || container || 'unknown';
}

export function toLibraryTrack(row: TrackRow): LibraryTrack {
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
  };
}
