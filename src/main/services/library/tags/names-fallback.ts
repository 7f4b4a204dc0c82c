import type { AudioFileInfo } from './read-audio-file';

export interface TrackNames {
  title: string;
  artist: string;
  albumArtist: string;
  album: string;
  trackNo: number | null;
  fromNames: boolean;
}

export const UNKNOWN_ARTIST = 'Unknown artist';

/**
 * Fills what the tags leave empty from the file and folder names, so a row
 * is never blank: `Artist/Album/03 - Title.mp3` gives all four. A file in the
 * library folder's root takes the root's name as its album.
 *
 * @param relativeSegments the path below the library folder, split into
 *   names, the file name last; `rootName` is the library folder's own name.
 */
export function fillFromNames(
  info: Pick<AudioFileInfo, 'title' | 'artist' | 'albumArtist' | 'album' | 'trackNo'>,
  relativeSegments: string[],
  rootName: string,
): TrackNames {
  const fileName = relativeSegments.at(-1) ?? '';
  const folders = relativeSegments.slice(0, -1);
  const stem = fileName.replace(/\.[^.]{1,5}$/, '');
  const parsed = parseFileStem(stem);
  const albumFolder = folders.at(-1) ?? rootName;
  const artistFolder = folders.length >= 2 ? folders.at(-2)! : '';

  const title = info.title || parsed.title || stem || fileName || 'Untitled';
  const artist = info.artist || info.albumArtist || parsed.artist || artistFolder || UNKNOWN_ARTIST;
  const album = info.album || albumFolder || 'Unknown album';
  const albumArtist = info.albumArtist || info.artist || artistFolder || parsed.artist || UNKNOWN_ARTIST;
  return {
    title,
    artist,
    albumArtist,
    album,
    trackNo: info.trackNo ?? parsed.trackNo,
    fromNames: !info.title || !info.artist || !info.album,
  };
}

/** `03 - Title`, `03. Title`, `Artist - Title`, `03 - Artist - Title`. */
export function parseFileStem(stem: string): { title: string; artist: string; trackNo: number | null } {
  let rest = stem.trim();
  let trackNo: number | null = null;
  const numbered = /^(\d{1,3})(?:\s*[-._)]\s*|\s+)(.+)$/.exec(rest);
  if (numbered) {
    trackNo = Number.parseInt(numbered[1]!, 10) || null;
    rest = numbered[2]!.trim();
  }
  const parts = rest.split(/\s+-\s+/);
  if (parts.length >= 2) {
    return { artist: parts[0]!.trim(), title: parts.slice(1).join(' - ').trim(), trackNo };
  }
  return { artist: '', title: rest, trackNo };
}
