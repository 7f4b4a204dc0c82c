import { convertKey, type KeyNotation } from '../../../shared/musical-key';

/** `3:07`, `1:02:03`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) ms = 0;
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0
    ? `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`
    : `${m}:${String(s).padStart(2, '0')}`;
}

/** Bytes in the largest whole unit: "12.4 MB", "2.0 GB". */
export function formatBytes(bytes: number, locale: string): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'];
  let value = bytes;
  let i = 0;
  while (value >= 1000 && i < units.length - 1) {
    value /= 1000;
    i++;
  }
  return new Intl.NumberFormat(locale, {
    style: 'unit',
    unit: units[i],
    unitDisplay: 'short',
    maximumFractionDigits: i === 0 ? 0 : 1,
  }).format(value);
}

/**
 * Shows a key as written in the file in the chosen notation (`Am` ↔ `8A`), by
 * the shared key module; a tag that is not a key we know is shown as written.
 */
export function formatKey(key: string | null, notation: KeyNotation): string {
  if (!key) return '';
  return convertKey(key, notation) ?? key;
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
