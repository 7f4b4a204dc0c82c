import { describe, expect, it } from 'vitest';
import {
  correctionProblems,
  encodeLeaf,
  leafProblems,
  parseLeaf,
  type LogLeaf,
} from '../../../src/shared/tlog';

/** Correction leaves (a reversed grant, docs/transparency-log.md §1.1): their own rules and those between leaves. */
const NONE = {
  v: 1,
  seq: null,
  time: 1_764_000_000_000,
  track: null,
  artist: null,
  outcome: null,
  freeReason: null,
  playIndex: null,
  price: 0,
  artistShare: 0,
  coopShare: 0,
  credit: 0,
  corrects: null,
} as const;
const alice = 'L-aaaaaaaaaaaaaaaaaaaaaa';
const bob = 'L-bbbbbbbbbbbbbbbbbbbbbb';
const grant = (listener: string, credit: number): LogLeaf => ({
  ...NONE,
  kind: 'grant',
  event: '1'.repeat(64),
  listener,
  credit,
});
const correction = (listener: string, corrects: number, credit: number): LogLeaf => ({
  ...NONE,
  kind: 'correction',
  event: '2'.repeat(64),
  listener,
  credit,
  corrects,
});
const play: LogLeaf = {
  ...NONE,
  kind: 'play',
  event: '3'.repeat(64),
  listener: alice,
  seq: 1,
  track: 't',
  artist: 'a',
  outcome: 'unpaid',
};

describe('correction leaves', () => {
  it('a correction takes credit back (negative credit) and names a leaf; it parses from its canonical bytes', () => {
    const leaf = correction(alice, 0, -700);
    expect(parseLeaf(encodeLeaf(leaf))).toEqual({ ok: true, leaf });
  });

  it('refuses a correction that credits, names no leaf or charges, and a negative credit elsewhere', () => {
    expect(leafProblems(correction(alice, 0, 700))).toContain('credit is negative on corrections only');
    expect(leafProblems({ ...correction(alice, 0, -700), corrects: null })).toContain(
      'corrects is set exactly on corrections',
    );
    expect(leafProblems({ ...correction(alice, 0, -700), track: 't', artist: 'a' })).toContain(
      'a correction charges nothing and names no track, artist or seq',
    );
    expect(leafProblems(grant(alice, -5))).toContain('credit is positive on grants and vouchers only');
  });

  it('between leaves: a correction names an earlier grant of the same listener, takes back what it credited, once', () => {
    expect(correctionProblems([grant(alice, 700), play, correction(alice, 0, -700)])).toEqual([]);
    expect(correctionProblems([grant(alice, 700), play, correction(alice, 1, -700)])).toEqual([
      'the correction at leaf 2 names leaf 1, which is not an earlier grant',
    ]);
    expect(correctionProblems([grant(alice, 700), correction(bob, 0, -700)])).toEqual([
      'the correction at leaf 1 names a grant (leaf 0) of another listener',
    ]);
    expect(correctionProblems([grant(alice, 700), correction(alice, 0, -70)])).toEqual([
      'the correction at leaf 1 takes back 70 of a grant of 700',
    ]);
    expect(correctionProblems([correction(alice, 1, -700), grant(alice, 700)])).toEqual([
      'the correction at leaf 0 names leaf 1, which is not an earlier grant',
    ]);
    expect(
      correctionProblems([grant(alice, 700), correction(alice, 0, -700), correction(alice, 0, -700)]),
    ).toEqual(['the correction at leaf 2 corrects leaf 0 a second time']);
  });
});
