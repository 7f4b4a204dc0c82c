import { dirname, isAbsolute, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Playlist files: writing M3U8 (UTF-8, paths relative to the playlist) and
 * reading M3U, M3U8 and PLS as written by other players.
 */
export interface M3uEntry {
  /** Path relative to the playlist file, with `/` separators. */
  relativePath: string;
  durationSeconds: number;
  artist: string;
  title: string;
}

export function writeM3u8(entries: M3uEntry[]): string {
  const lines = ['#EXTM3U'];
  for (const e of entries) {
    const label = e.artist ? `${e.artist} - ${e.title}` : e.title;
    // A line break inside a tag would start a new entry: flatten it.
    lines.push(`#EXTINF:${Math.round(e.durationSeconds)},${label.replace(/[\r\n]+/g, ' ')}`);
    lines.push(e.relativePath);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The absolute paths a playlist names, in order. Relative entries resolve
 * against the playlist's folder; `file://` URLs are decoded; Windows
 * separators are read as separators.
 */
export function readPlaylist(playlistPath: string, bytes: Buffer): string[] {
  const text = decode(bytes, playlistPath.toLowerCase().endsWith('.m3u8'));
  const lower = playlistPath.toLowerCase();
  const raw = lower.endsWith('.pls') ? plsEntries(text) : m3uEntries(text);
  return raw.map((entry) => toAbsolute(entry, dirname(playlistPath))).filter((p): p is string => p !== null);
}

function m3uEntries(text: string): string[] {
  return text
    .split(/\r\n|\n|\r/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

function plsEntries(text: string): string[] {
  const files: { n: number; path: string }[] = [];
  for (const line of text.split(/\r\n|\n|\r/)) {
    const m = /^\s*File(\d+)\s*=\s*(.+?)\s*$/i.exec(line);
    if (m) files.push({ n: Number(m[1]), path: m[2]! });
  }
  return files.sort((a, b) => a.n - b.n).map((f) => f.path);
}

function toAbsolute(entry: string, base: string): string | null {
  if (/^file:/i.test(entry)) {
    try {
      return fileURLToPath(entry.replace(/^file:\/\/localhost\//i, 'file:///'));
    } catch {
      return null;
    }
  }
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(entry)) return null; // a stream URL, not a file
  const native = sep === '/' && !/^[a-z]:[\\/]/i.test(entry) ? entry.replace(/\\/g, '/') : entry;
  return isAbsolute(native) ? native : resolve(base, native);
}

/** M3U8 is UTF-8; plain M3U and PLS are often Windows-1252. Try UTF-8 first, strictly. */
function decode(bytes: Buffer, utf8Only: boolean): string {
  const withoutBom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  if (utf8Only) return withoutBom.toString('utf8');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(withoutBom);
  } catch {
    return new TextDecoder('windows-1252').decode(withoutBom);
  }
}
