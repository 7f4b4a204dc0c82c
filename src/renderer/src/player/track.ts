import type { LibraryTrack } from '../../../shared/contract/library';
import type { CoopTrack, Stream2OwnState } from '../../../shared/contract/wallet';

/** A track the player can queue: a local file or a co-op catalog track. */
export interface PlayableTrack {
  source: 'local' | 'coop';
  /** The id `player.open` takes: the local id as text, or the co-op id. */
  id: string;
  /** Local library id, for details (ReplayGain) and play counts. */
  localId: number | null;
  title: string;
  artist: string;
  album: string;
  albumId: number | null;
  artistId: number | null;
  durationMs: number;
  coverPath: string | null;
  /** Local media path (`track/local/12`): lets the next track be preloaded before its session opens. */
  mediaPath: string | null;
  stream2own: Stream2OwnState | null;
}

export function fromLibrary(track: LibraryTrack): PlayableTrack {
  return {
    source: 'local',
    id: String(track.id),
    localId: track.id,
    title: track.title,
    artist: track.artist,
    album: track.album,
    albumId: track.albumId,
    artistId: track.artistId,
    durationMs: track.durationMs,
    coverPath: track.coverPath,
    mediaPath: track.mediaPath,
    stream2own: null,
  };
}

export function fromCoop(track: CoopTrack): PlayableTrack {
  return {
    source: 'coop',
    id: track.id,
    localId: null,
    title: track.title,
    artist: track.artist,
    album: track.album ?? '',
    albumId: null,
    artistId: null,
    durationMs: track.durationMs,
    coverPath: null,
    mediaPath: null,
    stream2own: track.stream2own,
  };
}
