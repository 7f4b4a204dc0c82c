import type { LibraryTrack } from '../../../shared/contract/library';
import { displayPath } from './scan/paths';

/**
 * A library track as stored and as the contract shows it. Shared by the
 * library's queries and the DJ views, which read the same table.
 */
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
  status: LibraryTrack['status'];
  play_count: number;
  last_played_at: number | null;
  added_at: number;
}

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
