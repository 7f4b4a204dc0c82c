import { describe, expect, it } from 'vitest';
import type { Stream2OwnState } from '../../../src/shared/contract/wallet';
import { countMarkFraction, previewCountdown } from '../../../src/renderer/src/player/countdown';

const paid: Stream2OwnState = {
  paidPlays: 2,
  owned: false,
  freeReason: null,
  nextPriceThousandths: 8,
  remainingToOwnThousandths: 1016,
  previewOnly: false,
  countedPlays: 2,
};

// What the now-playing bar says during the free 45 seconds of a co-op play.
describe('previewCountdown', () => {
  it('counts down the free seconds from the heard time, rounding up', () => {
    expect(previewCountdown(paid, 33_000, false)).toEqual({ kind: 'charge', secondsLeft: 12 });
    expect(previewCountdown(paid, 33_001, false)).toEqual({ kind: 'charge', secondsLeft: 12 });
    expect(previewCountdown(paid, 44_999, false)).toEqual({ kind: 'charge', secondsLeft: 1 });
  });
  it('starts at 45 s before the main process has answered', () => {
    expect(previewCountdown(paid, null, false)).toEqual({ kind: 'charge', secondsLeft: 45 });
  });
  it('says the preview ends (no charge) when the balance does not cover the play', () => {
    expect(previewCountdown({ ...paid, previewOnly: true }, 40_000, false)).toEqual({
      kind: 'preview',
      secondsLeft: 5,
    });
  });
  it('is gone once counted, at 45 s heard, and for free, owned and local tracks', () => {
    expect(previewCountdown(paid, 30_000, true)).toBeNull();
    expect(previewCountdown(paid, 45_000, false)).toBeNull();
    expect(previewCountdown({ ...paid, freeReason: 'short' }, 0, false)).toBeNull();
    expect(previewCountdown({ ...paid, owned: true, freeReason: 'owned' }, 0, false)).toBeNull();
    expect(previewCountdown(null, 0, false)).toBeNull();
  });
});

describe('countMarkFraction', () => {
  it('puts the 45 s mark at its share of the track, only on tracks longer than 45 s', () => {
    expect(countMarkFraction(90_000)).toBe(0.5);
    expect(countMarkFraction(45_000)).toBeNull();
    expect(countMarkFraction(3_000)).toBeNull();
    expect(countMarkFraction(Number.NaN)).toBeNull();
  });
});
