import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/main/services/db/database';
import { cumulativeCostThousandths, PAID_PLAYS_TO_OWN, priceOfPaidPlay } from '../../../src/shared/pricing';
import { fcParams } from '../../unit/stream2own/fc-seed';
import { aTrack, stream2ownHarness, tempDir } from './harness';

/**
 * Random histories of plays and top-ups against the real wallet: the charges
 * always follow the table, a play the wallet cannot cover is a preview and
 * charges nothing, the wallet never goes below zero, a track is owned after
 * 9 paid plays and free after. Replay with FC_SEED.
 *
 * The generators are biased so that the interesting cases come up often, and
 * the test counts and asserts that they did: most listens go to one track
 * (so it reaches 9 paid plays and then free plays), starting balances are
 * often exactly a cumulative cost ± 1, and some top-ups set the spendable
 * amount to exactly the next price of that track, ± 1.
 */
const TRACKS = ['p1', 'p2', 'free', 'short', 'mine'] as const;

const step = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({ kind: fc.constant('listen' as const), track: fc.constant('p1' as const) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('listen' as const), track: fc.constantFrom(...TRACKS) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('topUp' as const), amount: fc.integer({ min: 0, max: 600 }) }),
  },
  // Topped up to at least the next price of p1 plus delta (−1: one short, 0: just enough, +1) …
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('topUpToPrice' as const),
      delta: fc.constantFrom(-1, 0, 0, 0, 1),
    }),
  },
  // … or the server's balance is now exactly that (also spent on another device).
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('setToPrice' as const), delta: fc.constantFrom(-1, 0, 0, 1) }),
  },
);

const initialBalance = fc.oneof(
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 1_200 }) },
  // Exactly what k paid plays cost, ± 1 (k = 9: the whole price of owning a track).
  {
    weight: 2,
    arbitrary: fc
      .record({ k: fc.integer({ min: 0, max: PAID_PLAYS_TO_OWN }), delta: fc.constantFrom(-1, 0, 1) })
      .map(({ k, delta }) => Math.max(0, cumulativeCostThousandths(k) + delta)),
  },
  { weight: 2, arbitrary: fc.integer({ min: 1_022, max: 3_000 }) },
);

/** How often the cases that matter came up, over all runs. */
const coverage = {
  runs: 0,
  runsReachingOwnership: 0,
  runsWithFreeAfterOwned: 0,
  runsAtExactPrice: 0,
  seventhPaidPlays: 0,
};

describe('charges follow the table (property)', () => {
  it('over random histories', () => {
    const dir = tempDir();
    fc.assert(
      fc.property(initialBalance, fc.array(step, { minLength: 12, maxLength: 45 }), (startBalance, steps) => {
        const seen = { owned: false, freeAfterOwned: false, exactPrice: false };
        const db = openDatabase(':memory:');
        const h = stream2ownHarness({ dataDir: tempDir(), db });
        try {
          h.domain.catalog.upsert([
            aTrack('p1', {}, dir),
            aTrack('p2', {}, dir),
            aTrack('free', { status: 'free' }, dir),
            aTrack('short', { durationMs: 40_000 }, dir),
            aTrack('mine', { isOwn: true }, dir),
          ]);
          let balance = startBalance;
          h.domain.applyServerState({ balanceThousandths: balance, asOfMs: 0 });
          const paid = new Map<string, number>();
          let pending = 0;
          for (const s of steps) {
            if (s.kind !== 'listen') {
              // the server settled everything pending and credits were added
              const p1Paid = paid.get('p1') ?? 0;
              const target =
                s.kind !== 'topUp' && p1Paid < PAID_PLAYS_TO_OWN
                  ? Math.max(0, priceOfPaidPlay(p1Paid + 1) + s.delta)
                  : null;
              const settledBalance = balance - pending;
              if (s.kind === 'topUp') balance = settledBalance + s.amount;
              else if (s.kind === 'topUpToPrice')
                balance = Math.max(settledBalance, target ?? settledBalance);
              else balance = target ?? settledBalance;
              const ids = h.domain.outbox.unanswered(10_000).map((r) => r.receipt.id);
              h.domain.applyServerState({ balanceThousandths: balance, asOfMs: 1, settledReceiptIds: ids });
              pending = 0;
              continue;
            }
            const before = h.domain.summary().spendableThousandths;
            const n = h.events.length;
            if (s.track === 'short') {
              const r = h.listen('short', 40_000);
              h.domain.handlers['player.report']({
                sessionId: r.sessionId,
                trackId: 'short',
                seq: 10_000,
                event: 'ended',
                positionMs: 40_000,
              });
            } else {
              h.listen(s.track);
            }
            const counted = h.events.slice(n).filter((e) => e.name === 'player.playCounted');
            expect(counted).toHaveLength(1);
            const c = counted[0]!.payload as {
              outcome: string;
              chargeThousandths: number;
              paidPlayNumber: number | null;
              freeReason: string | null;
            };
            const paidSoFar = paid.get(s.track) ?? 0;
            if (
              s.track === 'free' ||
              s.track === 'short' ||
              s.track === 'mine' ||
              paidSoFar >= PAID_PLAYS_TO_OWN
            ) {
              expect(c).toMatchObject({ outcome: 'free', chargeThousandths: 0 });
              if (paidSoFar >= PAID_PLAYS_TO_OWN) {
                expect(c.freeReason).toBe('owned');
                seen.freeAfterOwned = true;
              }
            } else {
              const price = priceOfPaidPlay(paidSoFar + 1);
              if (before === price) seen.exactPrice = true;
              if (before >= price) {
                expect(c).toMatchObject({
                  outcome: 'charged',
                  chargeThousandths: price,
                  paidPlayNumber: paidSoFar + 1,
                });
                paid.set(s.track, paidSoFar + 1);
                if (paidSoFar + 1 === 7) coverage.seventhPaidPlays++;
                if (paidSoFar + 1 === PAID_PLAYS_TO_OWN) seen.owned = true;
                pending += price;
              } else {
                expect(c).toMatchObject({ outcome: 'preview', chargeThousandths: 0 });
              }
            }
            const after = h.domain.summary();
            expect(after.spendableThousandths).toBe(before - c.chargeThousandths);
            expect(after.spendableThousandths).toBeGreaterThanOrEqual(0);
            expect(after.pendingThousandths).toBe(pending);
          }
          coverage.runs++;
          if (seen.owned) coverage.runsReachingOwnership++;
          if (seen.freeAfterOwned) coverage.runsWithFreeAfterOwned++;
          if (seen.exactPrice) coverage.runsAtExactPrice++;
        } finally {
          db.close();
        }
      }),
      fcParams(60),
    );
    // The generators must reach what the property is about, not just small histories.
    console.log(`[charges property] coverage over ${coverage.runs} runs: ${JSON.stringify(coverage)}`);
    // (Measured over several seeds: 35–45 % of runs reach ownership, 30–35 % then play it free, ~50 % hit spendable = price.)
    expect(coverage.runsReachingOwnership / coverage.runs).toBeGreaterThanOrEqual(0.15);
    expect(coverage.runsWithFreeAfterOwned / coverage.runs).toBeGreaterThanOrEqual(0.1);
    expect(coverage.runsAtExactPrice / coverage.runs).toBeGreaterThanOrEqual(0.2);
  }, 120_000);
});
