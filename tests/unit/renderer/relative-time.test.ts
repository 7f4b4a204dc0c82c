import { describe, expect, it } from 'vitest';
import { relativeTime } from '../../../src/renderer/src/lib/format';

const NOW = Date.UTC(2026, 11, 2, 12, 0, 0);
const ago = (ms: number) => relativeTime(NOW - ms, NOW, 'en', 'just now');

// The header's "synced …": issue 15 saw "synced in 23 seconds" right after a
// sync, as the time compared was from a 30 s clock taken before the sync.
describe('relativeTime', () => {
  it('says "just now" for a sync that happened after the clock was read (never the future tense)', () => {
    expect(relativeTime(NOW + 23_000, NOW, 'en', 'just now')).toBe('just now');
    expect(relativeTime(NOW + 5 * 60_000, NOW, 'en', 'just now')).toBe('just now');
  });
  it('says "just now" under a minute', () => {
    expect(ago(0)).toBe('just now');
    expect(ago(59_999)).toBe('just now');
  });
  it('counts whole minutes, hours and days in the past', () => {
    expect(ago(60_000)).toBe('1 minute ago');
    expect(ago(2 * 60_000 + 59_000)).toBe('2 minutes ago');
    expect(ago(3 * 3_600_000 + 1)).toBe('3 hours ago');
    expect(ago(86_400_000)).toBe('yesterday');
    expect(ago(3 * 86_400_000)).toBe('3 days ago');
  });
  it('is in the UI language', () => {
    expect(relativeTime(NOW - 2 * 60_000, NOW, 'de', 'gerade eben')).toBe('vor 2 Minuten');
  });
});
