import { describe, expect, it } from 'vitest';
import {
  compatibleKeys,
  convertKey,
  formatKey,
  keyId,
  keySpellings,
  parseKey,
  ALL_KEYS,
} from '../../../src/shared/musical-key';

describe('musical keys', () => {
  it.each([
    ['8A', '8A'],
    ['8a', '8A'],
    ['12B', '12B'],
    ['1m', '8A'],
    ['1d', '8B'],
    ['6d', '1B'],
    ['12m', '7A'],
    ['Am', '8A'],
    ['A minor', '8A'],
    ['A min', '8A'],
    ['amin', '8A'],
    ['C', '8B'],
    ['C major', '8B'],
    ['Cmaj', '8B'],
    ['F#m', '11A'],
    ['Gbm', '11A'],
    ['Bbmaj', '6B'],
    ['Gb maj', '2B'],
    ['F#', '2B'],
    ['A♭m', '1A'],
    ['G#m', '1A'],
    ['Db', '3B'],
    ['C#', '3B'],
    ['Ebm', '2A'],
    ['E', '12B'],
    ['Em', '9A'],
    ['CM', '8B'],
  ])('reads %s as %s', (text, camelot) => {
    const key = parseKey(text);
    expect(key && keyId(key)).toBe(camelot);
  });

  it.each(['', 'H', 'o', '13A', '0B', 'A minor minor', 'xyz'])('rejects %j', (text) => {
    expect(parseKey(text)).toBeNull();
  });

  it('formats in each notation and round-trips every key', () => {
    expect(formatKey({ number: 8, mode: 'A' }, 'musical')).toBe('Am');
    expect(formatKey({ number: 8, mode: 'B' }, 'openkey')).toBe('1d');
    expect(convertKey('Am', 'camelot')).toBe('8A');
    expect(convertKey('nonsense', 'camelot')).toBeNull();
    for (const key of ALL_KEYS) {
      for (const notation of ['camelot', 'musical', 'openkey'] as const) {
        expect(parseKey(formatKey(key, notation))).toEqual(key);
      }
      for (const spelling of keySpellings(key)) expect(parseKey(spelling)).toEqual(key);
    }
  });

  it('suggests same, ±1 and the relative key, wrapping round the wheel', () => {
    expect(compatibleKeys(parseKey('8A')!).map(keyId)).toEqual(['8A', '7A', '9A', '8B']);
    expect(compatibleKeys(parseKey('12B')!).map(keyId)).toEqual(['12B', '11B', '1B', '12A']);
    expect(compatibleKeys(parseKey('1A')!).map(keyId)).toEqual(['1A', '12A', '2A', '1B']);
  });
});
