import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { renewedAllowance, spendable } from '../../../src/server/settlement/allowances';
import { chargePostings, topUpPostings } from '../../../src/server/ledger/postings';
import { thresholdThousandths } from '../../../src/server/readmodels/membership';
import { decodeCursor, encodeCursor } from '../../../src/server/sync/cursor';
import { earningsCsv } from '../../../src/server/readmodels/earnings';
import { normaliseCode } from '../../../src/server/credits/top-up';
import { DEFAULT_EURO_RATE } from '../../../src/shared/pricing';

describe('server money helpers', () => {
  it('charge postings balance and split 70/30 exactly for every price', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1022 }), (price) => {
        const p = chargePostings('u', 'a', 't', price);
        expect(p.reduce((s, x) => s + x.amount, 0)).toBe(0);
        expect(p[1]!.amount).toBe(price * 7);
        expect(p[2]!.amount).toBe(price * 3);
      }),
    );
    expect(topUpPostings('u', 5).map((p) => p.amount)).toEqual([50, -50]);
  });

  it('renews allowances without ever reserving more than the balance', () => {
    fc.assert(
      fc.property(
        fc.nat(10_000),
        fc.nat(10_000),
        fc.nat(5_000),
        fc.nat(5_000),
        (balance, reservedRaw, currentRaw, target) => {
          const reserved = Math.min(balance, reservedRaw);
          const current = Math.min(reserved, currentRaw);
          const wallet = { user_id: 'u', balance, reserved, version: 0 };
          const next = renewedAllowance(wallet, current, target);
          expect(next).toBeLessThanOrEqual(target);
          expect(next).toBeGreaterThanOrEqual(0);
          expect(wallet.reserved).toBeLessThanOrEqual(wallet.balance);
          expect(wallet.reserved - reserved).toBe(next - current);
          expect(spendable(wallet, next)).toBe(balance - wallet.reserved + next);
        },
      ),
    );
  });

  it('converts the membership threshold in integers: 15 EUR = 12.264 credits at 1.25 EUR per 1.022', () => {
    expect(thresholdThousandths(15, DEFAULT_EURO_RATE)).toBe(12264);
    expect(thresholdThousandths(1.25, DEFAULT_EURO_RATE)).toBe(1022);
  });

  it('round-trips the sync cursor and refuses foreign ones', () => {
    const c = { p: 12, cv: 3, ci: 'abc' };
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
    expect(decodeCursor(undefined)).toEqual({ p: 0, cv: 0, ci: '' });
    expect(() => decodeCursor('bm9wZQ')).toThrow();
  });

  it('writes earnings CSV with exact decimals and quoting', () => {
    const csv = earningsCsv(
      [
        {
          key: 't1',
          title: 'A "song", live',
          totalPlays: 3,
          paidPlays: 2,
          freePlays: 1,
          unpaidPlays: 0,
          spentThousandths: 1022,
          artistShareTenThousandths: 7154,
          coopShareTenThousandths: 3066,
          playSpentThousandths: 6,
          playArtistShareTenThousandths: 42,
          purchases: 1,
          purchaseSpentThousandths: 1016,
          purchaseArtistShareTenThousandths: 7112,
        },
      ],
      'track',
    );
    expect(csv.split('\r\n')[0]).toBe(
      'track,title,total_plays,paid_plays,free_plays,unpaid_plays,credits_spent,artist_share,coop_share,paid_play_credits,paid_play_artist_share,purchases,purchase_credits,purchase_artist_share',
    );
    expect(csv.split('\r\n')[1]).toBe(
      't1,"A ""song"", live",3,2,1,0,1.022,0.7154,0.3066,0.006,0.0042,1,1.016,0.7112',
    );
  });

  it('normalises voucher codes (case, dashes, look-alike letters)', () => {
    expect(normaliseCode('abcde-o1il0')).toBe(normaliseCode('ABCDE01110'));
  });
});
