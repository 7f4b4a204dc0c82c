import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeLeaf, leafProblems, parseLeaf, type LogLeaf } from '../../../src/shared/tlog';
import { fcParams } from './fc-seed';

const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
const listener = fc.stringMatching(/^L-[A-Za-z0-9_-]{22}$/);
const id = fc.string({
  minLength: 1,
  maxLength: 40,
  unit: fc.constantFrom('a', 'é', '"', '\\', '\u2028', '😀', '\n', '0', '-'),
});

const playArb: fc.Arbitrary<LogLeaf> = fc
  .record({
    event: hex64,
    listener,
    seq: fc.integer({ min: 1, max: 2 ** 40 }),
    time: fc.nat(),
    track: id,
    artist: id,
    outcome: fc.constantFrom('paid', 'free', 'unpaid'),
    index: fc.integer({ min: 1, max: 9 }),
    price: fc.integer({ min: 1, max: 1022 }),
  })
  .map((r) => ({
    v: 1,
    kind: 'play',
    event: r.event,
    listener: r.listener,
    seq: r.seq,
    time: r.time,
    track: r.track,
    artist: r.artist,
    outcome: r.outcome as LogLeaf['outcome'],
    freeReason: r.outcome === 'free' ? 'owned' : null,
    playIndex: r.outcome === 'paid' ? r.index : null,
    price: r.outcome === 'paid' ? r.price : 0,
    artistShare: r.outcome === 'paid' ? r.price * 7 : 0,
    coopShare: r.outcome === 'paid' ? r.price * 3 : 0,
    credit: 0,
    corrects: null,
  }));

describe('log leaves', () => {
  it('encodeLeaf writes exactly the RFC 8785 bytes (as the canonicalize package does), which parseLeaf accepts', () => {
    fc.assert(
      fc.property(playArb, (leaf) => {
        const text = encodeLeaf(leaf);
        expect(text).toBe(canonicalize(leaf));
        expect(parseLeaf(text)).toEqual({ ok: true, leaf });
      }),
      fcParams(300),
    );
  });

  it('a leaf that breaks a money rule or the shape is refused with the reason', () => {
    const base = fc.sample(
      playArb.filter((l) => l.outcome === 'paid'),
      { seed: 1, numRuns: 1 },
    )[0]!;
    expect(leafProblems({ ...base, coopShare: base.coopShare + 1 })).toContain(
      'shares are not 70/30 of the price',
    );
    expect(leafProblems({ ...base, playIndex: 10 })).toContain('playIndex must be 1..9 or null');
    expect(leafProblems({ ...base, outcome: 'free' })).toEqual(
      expect.arrayContaining(['only paid plays have a play index']),
    );
    expect(leafProblems({ ...base, accountId: 'x' })).toEqual(['unknown members: accountId']);
    expect(() => encodeLeaf({ ...base, price: -1 })).toThrow(/not a log leaf/);
    // Not canonical (members out of order): refused, although the same JSON value.
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(base).reverse()));
    expect(parseLeaf(reordered)).toEqual({
      ok: false,
      problems: ['the bytes are not in canonical (RFC 8785) form'],
    });
  });
});
