import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCredits } from '../../../src/shared/pricing';
import { parseCreditsInput } from '../../../src/renderer/src/views/coop-node/credits-input';
import { fcParams, FC_SEED } from '../../unit/stream2own/fc-seed';

/**
 * What an admin types as credits on the Co-op node page becomes thousandths
 * exactly, or nothing is sent. Seeded and replayable: FC_SEED=<printed seed>.
 */
console.log(`[credits input] FC_SEED=${FC_SEED}`);

describe('credits typed on the Co-op node page', () => {
  it('reads whole and decimal amounts to exact thousandths', () => {
    expect(parseCreditsInput('5')).toBe(5000);
    expect(parseCreditsInput(' 2.5 ')).toBe(2500);
    expect(parseCreditsInput('0,125')).toBe(125);
    expect(parseCreditsInput('0.001')).toBe(1);
    expect(parseCreditsInput('1000000')).toBe(1_000_000_000);
  });

  it('refuses what is not an amount above 0 with at most three decimals', () => {
    for (const text of [
      '',
      '0',
      '0.000',
      '-1',
      '2.5.1',
      '1.2345',
      '1e3',
      '.5',
      '5.',
      'five',
      '1000000.001',
      '0x10',
      '1 000',
    ])
      expect(parseCreditsInput(text), text).toBeNull();
  });

  it('any amount the form shows reads back as the same thousandths (seeded property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000_000 }), (thousandths) => {
        expect(parseCreditsInput(formatCredits(thousandths))).toBe(thousandths);
      }),
      fcParams(),
    );
  });

  it('never answers a fraction, zero, a negative or more than the server takes (seeded property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 14 }), (text) => {
        const value = parseCreditsInput(text);
        if (value !== null) {
          expect(Number.isSafeInteger(value)).toBe(true);
          expect(value).toBeGreaterThanOrEqual(1);
          expect(value).toBeLessThanOrEqual(1_000_000_000);
        }
      }),
      fcParams(),
    );
  });
});
