import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cumulativeCostThousandths, PRICE_TO_OWN_THOUSANDTHS } from '../../../src/shared/pricing';
import { pricePurchase } from '../../../src/server/settlement/purchase-price';
import type { LoadedPurchase } from '../../../src/server/settlement/purchase-load';
import type { PurchaseRequest } from '../../../src/server/settlement/purchase-types';
import { fcParams } from '../stream2own/fc-seed';

type Track = LoadedPurchase['tracks'][number];
const track = (id: string, over: Partial<Track> = {}): Track => ({
  id,
  artist_id: 'art-1',
  duration_ms: 200_000,
  status: 'paid',
  release_status: 'published',
  ...over,
});

function loaded(
  tracks: Track[],
  paid: Record<string, number>,
  balance: number,
  reserved = 0,
  own: string[] = [],
  owned: string[] = [],
): LoadedPurchase {
  const stats = new Map(
    tracks
      .filter((t) => paid[t.id] !== undefined || owned.includes(t.id))
      .map((t) => {
        const k = owned.includes(t.id) ? 9 : paid[t.id]!;
        return [
          t.id,
          {
            user_id: 'u-1',
            track_id: t.id,
            paid_plays: k,
            total_plays: k,
            paid_amount: cumulativeCostThousandths(k),
            owned_at: owned.includes(t.id) ? 1 : null,
            version: 1,
          },
        ] as const;
      }),
  );
  const wallet = {
    user_id: 'u-1',
    balance,
    reserved,
    version: 1,
    settle_seq: 0,
  } as unknown as LoadedPurchase['wallet'];
  return { wallet, tracks, ownArtists: new Set(own), stats: stats as unknown as LoadedPurchase['stats'] };
}

const release: PurchaseRequest = { userId: 'u-1', scope: { releaseId: 'rel-1' }, requestId: null };
const one: PurchaseRequest = { userId: 'u-1', scope: { trackId: 'a' }, requestId: null };

describe('buy the rest, the pure price stage', () => {
  it('charges what is left of 1022 per track, skips short, free, own and owned tracks, and the postings balance', () => {
    const tracks = [
      track('a'),
      track('b'),
      track('short', { duration_ms: 30_000 }),
      track('gift', { status: 'free' }),
      track('mine', { artist_id: 'art-me' }),
      track('kept'),
    ];
    const priced = pricePurchase(release, loaded(tracks, { a: 3 }, 5_000, 0, ['art-me'], ['kept']));
    expect(priced.bought).toEqual([
      { trackId: 'a', paidThousandths: 1022 - 14 },
      { trackId: 'b', paidThousandths: 1022 },
    ]);
    expect(priced.totalThousandths).toBe(2030);
    expect(priced.postings.reduce((s, p) => s + p.amount, 0)).toBe(0);
  });

  it('answers 409 for one track with nothing to buy and 402 beyond the unreserved balance', () => {
    expect(() => pricePurchase(one, loaded([track('a')], {}, 5_000, 0, [], ['a']))).toThrow(
      expect.objectContaining({ status: 409, code: 'nothing_to_buy' }),
    );
    expect(() => pricePurchase(one, loaded([track('a')], {}, 1_500, 600))).toThrow(
      expect.objectContaining({ status: 402, code: 'insufficient_credits' }),
    );
  });

  it('property: a track bought after k paid plays costs exactly 1022 − (2^(k+1) − 2), and never more than is unreserved', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 0, max: 3_000 }),
        fc.integer({ min: 0, max: 3_000 }),
        (k, balance, reservedWish) => {
          const reserved = Math.min(reservedWish, balance);
          const rest = PRICE_TO_OWN_THOUSANDTHS - cumulativeCostThousandths(k);
          const state = loaded([track('a')], { a: k }, balance, reserved);
          if (rest > balance - reserved) {
            expect(() => pricePurchase(one, state)).toThrow(
              expect.objectContaining({ code: 'insufficient_credits' }),
            );
            return;
          }
          const priced = pricePurchase(one, state);
          expect(priced.bought).toEqual([{ trackId: 'a', paidThousandths: rest }]);
          expect(cumulativeCostThousandths(k) + priced.totalThousandths).toBe(PRICE_TO_OWN_THOUSANDTHS);
          expect(priced.postings.reduce((s, p) => s + p.amount, 0)).toBe(0);
        },
      ),
      fcParams(300),
    );
  });
});
