/** `3:07`, `1:02:03`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) ms = 0;
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}` : `${m}:${String(s).padStart(2, '0')}`;
}

const CAMELOT: Record<string, string> = {
  'B': '1B', 'F#': '2B', 'Gb': '2B', 'Db': '3B', 'C#': '3B', 'Ab': '4B', 'G#': '4B', 'Eb': '5B', 'D#': '5B', 'Bb': '6B', 'A#': '6B',
  'F': '7B', 'C': '8B', 'G': '9B', 'D': '10B', 'A': '11B', 'E': '12B',
  'G#m': '1A', 'Abm': '1A', 'D#m': '2A', 'Ebm': '2A', 'A#m': '3A', 'Bbm': '3A', 'Fm': '4A', 'Cm': '5A', 'Gm': '6A', 'Dm': '7A',
  'Am': '8A', 'Em': '9A', 'Bm': '10A', 'F#m': '11A', 'Gbm': '11A', 'C#m': '12A', 'Dbm': '12A',
};
const MUSICAL = Object.fromEntries(
  Object.entries(CAMELOT)
    .filter(([k]) => !k.includes('b') || k === 'Bb' || k === 'Bbm' || k === 'Eb' || k === 'Ebm' || k === 'Ab' || k === 'Abm' || k === 'Db' || k === 'Dbm')
    .map(([k, v]) => [v, k]),
);

/** Shows a key as written in the file in the chosen notation (`Am` ↔ `8A`). */
export function formatKey(key: string | null, notation: 'camelot' | 'musical'): string {
  if (!key) return '';
  const clean = key.trim().replace(/\s*(min(or)?|m)$/i, 'm').replace(/\s*maj(or)?$/i, '').replace('♯', '#').replace('♭', 'b');
  const upper = clean.charAt(0).toUpperCase() + clean.slice(1);
  if (notation === 'camelot') return CAMELOT[upper] ?? key;
  const camelot = /^\d{1,2}[ABab]$/.test(clean) ? clean.toUpperCase() : null;
  return (camelot && MUSICAL[camelot]) || key;
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/**
 * "2 minutes ago", "3 hours ago", "yesterday" (`Intl.RelativeTimeFormat`, in
 * the UI language); `justNow` under a minute, and for a time ahead of `nowMs` (a
 * past event is never told in the future tense: clocks of two processes
 * differ by a little).
 */
export function relativeTime(atMs: number, nowMs: number, locale: string, justNow: string): string {
  const ago = nowMs - atMs;
  if (!(ago >= 60_000)) return justNow;
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  for (const [unit, ms] of UNITS) {
    if (ago >= ms) return rtf.format(-Math.floor(ago / ms), unit);
  }
  return justNow;
}
