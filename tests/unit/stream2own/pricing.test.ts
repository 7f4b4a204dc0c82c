import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  COUNT_THRESHOLD_MS,
  PAID_PLAYS_TO_OWN,
  PRICE_TO_OWN_THOUSANDTHS,
  cumulativeCostThousandths,
  formatCredits,
  formatEuros,
  isOwned,
  nextPaidPlayPriceThousandths,
  priceOfPaidPlay,
  pricingTable,
  remainingToOwnThousandths,
  splitCharge,
} from '../../../src/shared/pricing';
import { fcParams } from './fc-seed';

describe('pricing', () => {
  it('has the constants of the rules', () => {
    expect(COUNT_THRESHOLD_MS).toBe(45_000);
    expect(PAID_PLAYS_TO_OWN).toBe(9);
    expect(PRICE_TO_OWN_THOUSANDTHS).toBe(1022);
  });

  it('prices the n-th paid play at 2^n thousandths', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map(priceOfPaidPlay)).toEqual([2, 4, 8, 16, 32, 64, 128, 256, 512]);
  });

  it('refuses play numbers outside 1…9', () => {
    for (const n of [0, 10, -1, 1.5, Number.NaN]) expect(() => priceOfPaidPlay(n)).toThrow(RangeError);
  });

  it('prints the table the seed shows', () => {
    expect(pricingTable()).toEqual([
      { play: 1, priceThousandths: 2, cumulativeThousandths: 2 },
      { play: 2, priceThousandths: 4, cumulativeThousandths: 6 },
      { play: 3, priceThousandths: 8, cumulativeThousandths: 14 },
      { play: 4, priceThousandths: 16, cumulativeThousandths: 30 },
      { play: 5, priceThousandths: 32, cumulativeThousandths: 62 },
      { play: 6, priceThousandths: 64, cumulativeThousandths: 126 },
      { play: 7, priceThousandths: 128, cumulativeThousandths: 254 },
      { play: 8, priceThousandths: 256, cumulativeThousandths: 510 },
      { play: 9, priceThousandths: 512, cumulativeThousandths: 1022 },
    ]);
  });

  it('owns after nine paid plays, and then nothing remains to pay', () => {
    expect(isOwned(8)).toBe(false);
    expect(isOwned(9)).toBe(true);
    expect(remainingToOwnThousandths(0)).toBe(1022);
    expect(remainingToOwnThousandths(3)).toBe(1008);
    expect(remainingToOwnThousandths(9)).toBe(0);
    expect(remainingToOwnThousandths(12)).toBe(0);
    expect(nextPaidPlayPriceThousandths(0)).toBe(2);
    expect(nextPaidPlayPriceThousandths(8)).toBe(512);
    expect(nextPaidPlayPriceThousandths(9)).toBeNull();
  });

  it('splits 2 thousandths into 14 + 6 ten-thousandths', () => {
    expect(splitCharge(2)).toEqual({ artistTenThousandths: 14, coopTenThousandths: 6 });
    expect(splitCharge(0)).toEqual({ artistTenThousandths: 0, coopTenThousandths: 0 });
    expect(() => splitCharge(-2)).toThrow(RangeError);
    expect(() => splitCharge(0.5)).toThrow(RangeError);
  });

  it('formats credits with three decimals', () => {
    expect(formatCredits(23029)).toBe('23.029');
    expect(formatCredits(0)).toBe('0.000');
    expect(formatCredits(2)).toBe('0.002');
    expect(formatCredits(1022)).toBe('1.022');
    expect(formatCredits(-5)).toBe('-0.005');
  });

  it('formats euros at the default and at other rates, without float drift', () => {
    expect(formatEuros(1022)).toBe('1.25');
    expect(formatEuros(2, undefined, 4)).toBe('0.0024');
    expect(formatEuros(0)).toBe('0.00');
    expect(formatEuros(-1022)).toBe('-1.25');
    expect(formatEuros(1000, { euros: 1, perThousandths: 1000 })).toBe('1.00');
    expect(formatEuros(1000, { euros: 0.1 + 0.2, perThousandths: 1000 }, 6)).toBe('0.300000');
    // 10 million credits, far beyond 2^53 micro-euro products
    expect(formatEuros(10_000_000_000_000, { euros: 1.25, perThousandths: 1022 })).toBe('12230919765.17');
  });

  describe('properties', () => {
    it('every split is exact and adds up', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 2 ** 40 }), (price) => {
          const { artistTenThousandths, coopTenThousandths } = splitCharge(price);
          expect(artistTenThousandths + coopTenThousandths).toBe(price * 10);
          expect(artistTenThousandths * 3).toBe(coopTenThousandths * 7);
        }),
        fcParams(),
      );
    });

    it('cumulative cost is the sum of the prices, and remaining + paid = price to own', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: PAID_PLAYS_TO_OWN }), (k) => {
          let sum = 0;
          for (let n = 1; n <= k; n++) sum += priceOfPaidPlay(n);
          expect(cumulativeCostThousandths(k)).toBe(sum);
          expect(sum + remainingToOwnThousandths(k)).toBe(PRICE_TO_OWN_THOUSANDTHS);
        }),
        fcParams(),
      );
    });

    it('formatCredits round-trips through a decimal reading', () => {
      fc.assert(
        fc.property(fc.integer({ min: -(2 ** 50), max: 2 ** 50 }), (t) => {
          const [whole, frac] = formatCredits(t).replace('-', '').split('.');
          expect(frac).toHaveLength(3);
          expect((Number(whole) * 1000 + Number(frac)) * (t < 0 ? -1 : 1)).toBe(t);
        }),
        fcParams(),
      );
    });
  });
});
