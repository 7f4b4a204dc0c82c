/**
 * Musical keys for DJs. Tags hold keys in many spellings ("Am", "A minor",
 * "8A" Camelot, "1m" Open Key, "G#m" or "Abm"); everything here reduces them
 * to one canonical key — a position on the Camelot wheel — so filtering,
 * sorting and "compatible keys" work whatever the files say.
 *
 * Pure: runs in the renderer, the main process and the server.
 */

/** A key as a position on the Camelot wheel: number 1–12, `A` = minor, `B` = major. */
export interface MusicalKey {
  readonly number: number;
  readonly mode: 'A' | 'B';
}

export type KeyNotation = 'camelot' | 'musical' | 'openkey';

const NOTE_PITCH: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };

/** Pitch class of the tonic for Camelot numbers 1..12 (index 0 = number 1). */
const MINOR_TONIC = [8, 3, 10, 5, 0, 7, 2, 9, 4, 11, 6, 1];
const MAJOR_TONIC = [11, 6, 1, 8, 3, 10, 5, 0, 7, 2, 9, 4];

/** The spelling shown for each Camelot number, as on the usual Camelot chart. */
const MINOR_NAME = ['Abm', 'Ebm', 'Bbm', 'Fm', 'Cm', 'Gm', 'Dm', 'Am', 'Em', 'Bm', 'F#m', 'C#m'];
const MAJOR_NAME = ['B', 'F#', 'Db', 'Ab', 'Eb', 'Bb', 'F', 'C', 'G', 'D', 'A', 'E'];

/** Both common spellings of each pitch class (sharp first, then flat). */
const PITCH_SPELLINGS: string[][] = [
  ['C', 'B#'],
  ['C#', 'Db'],
  ['D'],
  ['D#', 'Eb'],
  ['E', 'Fb'],
  ['F', 'E#'],
  ['F#', 'Gb'],
  ['G'],
  ['G#', 'Ab'],
  ['A'],
  ['A#', 'Bb'],
  ['B', 'Cb'],
];

export function keyId(key: MusicalKey): string {
  return `${key.number}${key.mode}`;
}

/**
 * Reads any common notation: Camelot (`8A`, `12b`), Open Key (`1m`, `6d`),
 * musical (`Am`, `A minor`, `A min`, `F#m`, `Gb maj`, `Bbmaj`, `C`, `C major`,
 * `A♭m`). Answers null for anything else (including the "off key" marker).
 */
export function parseKey(text: string): MusicalKey | null {
  const t = text.trim();
  if (!t || t.length > 16) return null;
  const camelot = /^0?(1[0-2]|[1-9])\s*([ABab])$/.exec(t);
  if (camelot) return { number: Number(camelot[1]), mode: camelot[2]!.toUpperCase() as 'A' | 'B' };
  const open = /^0?(1[0-2]|[1-9])\s*([dmDM])$/.exec(t);
  if (open) {
    // Open Key 1 is Camelot 8 (C major / A minor); both wheels run in fifths.
    const number = ((Number(open[1]) + 6) % 12) + 1;
    return { number, mode: open[2]!.toLowerCase() === 'm' ? 'A' : 'B' };
  }
  const musical = /^([A-Ga-g])\s*(#|♯|b|♭|sharp|flat)?\s*(m|min|minor|maj|major|M|moll|dur)?$/i.exec(t);
  if (!musical) return null;
  const letter = musical[1]!.toUpperCase();
  const accidental = (musical[2] ?? '').toLowerCase();
  const shift = accidental === '#' || accidental === '♯' || accidental === 'sharp' ? 1 : accidental ? -1 : 0;
  const pitch = (NOTE_PITCH[letter]! + shift + 12) % 12;
  const modeWord = musical[3] ?? '';
  // A capital "M" alone means major (as in "CM"); any other m/min/minor/moll is minor.
  const minor = modeWord !== 'M' && /^(m|min|minor|moll)$/i.test(modeWord);
  const table = minor ? MINOR_TONIC : MAJOR_TONIC;
  return { number: table.indexOf(pitch) + 1, mode: minor ? 'A' : 'B' };
}

export function formatKey(key: MusicalKey, notation: KeyNotation): string {
  const i = key.number - 1;
  switch (notation) {
    case 'camelot':
      return keyId(key);
    case 'openkey':
      return `${((key.number + 4) % 12) + 1}${key.mode === 'A' ? 'm' : 'd'}`;
    case 'musical':
      return key.mode === 'A' ? MINOR_NAME[i]! : MAJOR_NAME[i]!;
  }
}

/** Formats a key as written in a tag, or null when it is not a key we know. */
export function convertKey(text: string | null | undefined, notation: KeyNotation): string | null {
  const key = text ? parseKey(text) : null;
  return key ? formatKey(key, notation) : null;
}

/**
 * Keys that mix harmonically with `key`: itself, one step either way on the
 * wheel (same mode), and its relative major/minor (same number, other mode).
 */
export function compatibleKeys(key: MusicalKey): MusicalKey[] {
  const step = (n: number) => ((n + 11) % 12) + 1;
  return [
    key,
    { number: step(key.number - 1 + 12), mode: key.mode },
    { number: step(key.number + 1), mode: key.mode },
    { number: key.number, mode: key.mode === 'A' ? 'B' : 'A' },
  ];
}

/**
 * Every tidy spelling a tag may hold for `key` (Camelot, Open Key and each
 * enharmonic musical name), so a database can match keys stored as written
 * with an `IN (...)` list.
 */
export function keySpellings(key: MusicalKey): string[] {
  const tonic = (key.mode === 'A' ? MINOR_TONIC : MAJOR_TONIC)[key.number - 1]!;
  const suffix = key.mode === 'A' ? 'm' : '';
  const names = PITCH_SPELLINGS[tonic]!.map((note) => note + suffix);
  return [keyId(key), formatKey(key, 'openkey'), ...names];
}

/** All 24 keys in wheel order (1A, 1B, 2A, …): the order DJs sort by. */
export const ALL_KEYS: readonly MusicalKey[] = Array.from({ length: 24 }, (_, i) => ({
  number: Math.floor(i / 2) + 1,
  mode: i % 2 === 0 ? 'A' : 'B',
}));
