import { createHash } from 'node:crypto';
import { mkdirSync, readlinkSync, symlinkSync, unlinkSync } from 'node:fs';
import { extname, join } from 'node:path';

/**
 * File names on Linux are bytes; most are UTF-8 and become ordinary
 * strings. One that is not cannot be named by a JS string, so we keep its
 * bytes and give it a readable, unique stand-in for display and as the
 * database key: each invalid byte written as `%XX` after a marker.
 */
export interface FilePath {
  /** The path as text: exact for UTF-8 names, a stand-in otherwise. */
  path: string;
  /** The exact bytes, only when `path` is a stand-in. */
  bytes: Buffer | null;
}

const STAND_IN_MARKER = '\u2060'; // word joiner: invisible, never typed by people

export function filePathFromBytes(bytes: Buffer): FilePath {
  const text = bytes.toString('utf8');
  if (Buffer.from(text, 'utf8').equals(bytes)) return { path: text, bytes: null };
  return { path: STAND_IN_MARKER + escapeInvalidUtf8(bytes), bytes: Buffer.from(bytes) };
}

export function isStandIn(path: string): boolean {
  return path.startsWith(STAND_IN_MARKER);
}

/** The readable form of a path for people: the stand-in without its marker. */
export function displayPath(path: string): string {
  return isStandIn(path) ? path.slice(STAND_IN_MARKER.length) : path;
}

function escapeInvalidUtf8(bytes: Buffer): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const length = utf8SequenceLength(bytes, i);
    if (length > 0) {
      out += bytes.subarray(i, i + length).toString('utf8');
      i += length;
    } else {
      out += `%${bytes[i]!.toString(16).toUpperCase().padStart(2, '0')}`;
      i += 1;
    }
  }
  return out;
}

/** Length of the valid UTF-8 sequence starting at `i`, or 0 if invalid. */
function utf8SequenceLength(bytes: Buffer, i: number): number {
  const b = bytes[i]!;
  const need =
    b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
  if (need === 0 || i + need > bytes.length) return 0;
  const candidate = bytes.subarray(i, i + need);
  return Buffer.from(candidate.toString('utf8'), 'utf8').equals(candidate) ? need : 0;
}

/**
 * A link with a UTF-8 name pointing at a file whose name is not UTF-8, so
 * the tag reader, the media server and the audio element (which all take
 * string paths) can open it. Kept in the app's data folder, one per file.
 */
export function aliasFor(aliasDir: string, bytes: Buffer): string {
  const name =
    createHash('sha1').update(bytes).digest('hex') + extname(bytes.toString('latin1')).toLowerCase();
  const alias = join(aliasDir, name);
  try {
    if (Buffer.from(readlinkSync(alias, { encoding: 'buffer' })).equals(bytes)) return alias;
    unlinkSync(alias);
  } catch {
    // not there yet
  }
  mkdirSync(aliasDir, { recursive: true });
  symlinkSync(bytes, alias);
  return alias;
}
