import { describe, expect, it } from 'vitest';
import {
  decodeEntryBundle,
  encodeEntryBundle,
  encodeTileIndex,
  parseTilePath,
  tilePath,
  utf8Bytes,
} from '../../../src/shared/tlog';

describe('tlog-tiles paths and bundles', () => {
  it('encodes tile indexes as the spec does', () => {
    expect(encodeTileIndex(0)).toBe('000');
    expect(encodeTileIndex(1234)).toBe('x001/234');
    expect(encodeTileIndex(1234067)).toBe('x001/x234/067');
    expect(tilePath(0, 1234067)).toBe('tile/0/x001/x234/067');
    expect(tilePath(2, 5, 17)).toBe('tile/2/005.p/17');
    expect(tilePath('entries', 1)).toBe('tile/entries/001');
  });

  it('parses valid paths and refuses others', () => {
    expect(parseTilePath('0/x001/x234/067')).toEqual({ level: 0, index: 1234067, width: 256 });
    expect(parseTilePath('entries/005.p/17')).toEqual({ level: 'entries', index: 5, width: 17 });
    for (const bad of ['0/1', '0/x000/001', '0/001.p/256', '0/001.p/0', 'x/001', '0/001/', '0/../001'])
      expect(parseTilePath(bad), bad).toBeNull();
  });

  it('entry bundles round-trip and reject truncation', () => {
    const entries = ['a', '', '{"x":1}'].map(utf8Bytes);
    const bundle = encodeEntryBundle(entries);
    expect(decodeEntryBundle(bundle)).toEqual(entries);
    expect(() => decodeEntryBundle(bundle.subarray(0, bundle.length - 1))).toThrow(/truncated/);
  });
});
