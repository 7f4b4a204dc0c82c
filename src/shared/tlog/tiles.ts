/**
 * C2SP tlog-tiles paths and entry bundles (docs/transparency-log.md §5).
 * Tile height 8: a full tile holds 256 hashes or entries.
 */
export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;

/** N as path elements: 1234067 → "x001/x234/067". */
export function encodeTileIndex(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError('a tile index is a non-negative integer');
  const groups: string[] = [];
  let rest = n;
  do {
    groups.unshift(String(rest % 1000).padStart(3, '0'));
    rest = Math.floor(rest / 1000);
  } while (rest > 0);
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

/** "tile/<L>/<N>[.p/<W>]" or "tile/entries/<N>[.p/<W>]". */
export function tilePath(level: number | 'entries', index: number, width = TILE_WIDTH): string {
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH)
    throw new RangeError('a tile width is 1..256');
  return `tile/${level}/${encodeTileIndex(index)}${width < TILE_WIDTH ? `.p/${width}` : ''}`;
}

export type ParsedTilePath = { level: number | 'entries'; index: number; width: number };

/** Parses what follows "tile/"; null when it is not a valid tile path. */
export function parseTilePath(rest: string): ParsedTilePath | null {
  const m = /^(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*)([0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/.exec(rest);
  if (!m) return null;
  const groups = [
    ...(m[2]
      ? m[2]
          .split('/')
          .filter(Boolean)
          .map((g) => g.slice(1))
      : []),
    m[3]!,
  ];
  // No leading zero groups: N has exactly one encoding.
  if (groups.length > 1 && groups[0] === '000') return null;
  const index = Number(groups.join(''));
  const width = m[4] ? Number(m[4]) : TILE_WIDTH;
  if (width >= TILE_WIDTH && m[4]) return null;
  if (!Number.isSafeInteger(index)) return null;
  return { level: m[1] === 'entries' ? 'entries' : Number(m[1]), index, width };
}

/** Entries as one bundle: each a big-endian uint16 length and the bytes. */
export function encodeEntryBundle(entries: Uint8Array[]): Uint8Array {
  const total = entries.reduce((n, e) => n + 2 + e.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const e of entries) {
    if (e.length > 0xffff) throw new RangeError('an entry is at most 65535 bytes');
    out[at] = e.length >> 8;
    out[at + 1] = e.length & 0xff;
    out.set(e, at + 2);
    at += 2 + e.length;
  }
  return out;
}

export function decodeEntryBundle(bytes: Uint8Array): Uint8Array[] {
  const entries: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 2 > bytes.length) throw new Error('truncated entry length');
    const len = (bytes[at]! << 8) | bytes[at + 1]!;
    if (at + 2 + len > bytes.length) throw new Error('truncated entry');
    entries.push(bytes.subarray(at + 2, at + 2 + len));
    at += 2 + len;
  }
  return entries;
}

/** Hashes of a hash tile, 32 bytes each. */
export function splitHashTile(bytes: Uint8Array): Uint8Array[] {
  if (bytes.length % 32 !== 0 || bytes.length === 0 || bytes.length > 32 * TILE_WIDTH)
    throw new Error('a hash tile is 1..256 hashes of 32 bytes');
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += 32) out.push(bytes.subarray(i, i + 32));
  return out;
}
