/**
 * BPM and musical key, read from the native tags of every common dialect.
 * music-metadata maps only some of them to its common tags (it drops Vorbis
 * `INITIALKEY` and the iTunes freeform key, and rounds BPM to an integer), so
 * we look at the native frames ourselves.
 */
export interface NativeTag {
  id: string;
  value: unknown;
}
export type NativeTags = Record<string, NativeTag[]>;

const BPM_IDS = new Set(['TBPM', 'TBP', 'BPM', 'TMPO', 'WM/BEATSPERMINUTE', '----:COM.APPLE.ITUNES:BPM']);
const KEY_IDS = new Set([
  'TKEY',
  'TKE',
  'INITIALKEY',
  'KEY',
  'INITIAL KEY',
  'WM/INITIALKEY',
  '----:COM.APPLE.ITUNES:INITIALKEY',
  '----:COM.APPLE.ITUNES:KEY',
  '----:COM.APPLE.ITUNES:INITIAL KEY',
  'TXXX:INITIALKEY',
  'TXXX:KEY',
]);

export function readBpm(native: NativeTags): number | null {
  for (const tag of allTags(native)) {
    if (!BPM_IDS.has(normalizeId(tag.id))) continue;
    const bpm = typeof tag.value === 'number' ? tag.value : Number.parseFloat(textOf(tag.value));
    if (Number.isFinite(bpm) && bpm > 0 && bpm < 1000) return Math.round(bpm * 100) / 100;
  }
  return null;
}

export function readMusicalKey(native: NativeTags): string | null {
  for (const tag of allTags(native)) {
    if (!KEY_IDS.has(normalizeId(tag.id))) continue;
    const key = normalizeKey(textOf(tag.value));
    if (key) return key;
  }
  return null;
}

/**
 * Keeps the key as written but tidies the common spellings: "Am", "A minor",
 * "8A" (Camelot), "A#m", "Bbm"; rejects empty and absurd values. The UI
 * converts between notations; the library stores what the file says.
 */
export function normalizeKey(raw: string): string | null {
  const text = raw.trim().replace(/\0/g, '');
  if (!text || text.length > 12) return null;
  const camelot = /^(1[0-2]|[1-9])\s*([ABab])$/.exec(text);
  if (camelot) return `${camelot[1]}${camelot[2]!.toUpperCase()}`;
  const open = /^(1[0-2]|[1-9])\s*([dmDM])$/.exec(text); // Open Key notation, e.g. 1m, 6d
  if (open) return `${open[1]}${open[2]!.toLowerCase()}`;
  const musical = /^([A-Ga-g])\s*([#♯b♭]?)\s*(m|min|minor|maj|major)?$/i.exec(text);
  if (musical) {
    const note = musical[1]!.toUpperCase();
    const accidental = musical[2] === '♯' ? '#' : musical[2] === '♭' ? 'b' : (musical[2] ?? '');
    const minor = /^m(in(or)?)?$/i.test(musical[3] ?? '') && musical[3] !== 'M';
    return `${note}${accidental}${minor ? 'm' : ''}`;
  }
  if (text.toLowerCase() === 'o') return 'off-key';
  return text;
}

function* allTags(native: NativeTags): Iterable<NativeTag> {
  for (const tags of Object.values(native)) yield* tags;
}

function normalizeId(id: string): string {
  return id.toUpperCase();
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (value && typeof value === 'object' && 'text' in value) return String((value as { text: unknown }).text);
  if (Array.isArray(value)) return value.map(textOf).join(' ');
  return '';
}
