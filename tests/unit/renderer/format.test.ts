import { describe, expect, it } from 'vitest';
import { formatBytes, formatKey } from '../../../src/renderer/src/lib/format';

describe('formatKey (track table key column, by the shared key module)', () => {
  it('shows a tag in the chosen notation whatever spelling the file used', () => {
    expect(formatKey('Am', 'camelot')).toBe('8A');
    expect(formatKey('A minor', 'camelot')).toBe('8A');
    expect(formatKey('8A', 'musical')).toBe('Am');
    expect(formatKey('g#m', 'camelot')).toBe('1A');
    expect(formatKey('Abm', 'camelot')).toBe('1A');
    expect(formatKey('F♯m', 'camelot')).toBe('11A');
    expect(formatKey('12b', 'musical')).toBe('E');
  });

  it('shows an unknown tag as written and nothing for no key', () => {
    expect(formatKey('off', 'camelot')).toBe('off');
    expect(formatKey('13A', 'musical')).toBe('13A');
    expect(formatKey(null, 'camelot')).toBe('');
    expect(formatKey('', 'musical')).toBe('');
  });
});

describe('formatBytes (export progress and co-op storage, one function)', () => {
  it('uses the largest whole decimal unit, in the UI language', () => {
    expect(formatBytes(0, 'en')).toBe('0 byte');
    expect(formatBytes(999, 'en')).toBe('999 byte');
    expect(formatBytes(12_400_000, 'en')).toBe('12.4 MB');
    expect(formatBytes(2_000_000_000, 'en')).toBe('2 GB');
    expect(formatBytes(1_500, 'de')).toBe('1,5 kB');
  });
});
