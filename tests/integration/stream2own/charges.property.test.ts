import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/main/services/db/database';
import { PAID_PLAYS_TO_OWN, priceOfPaidPlay } from '../../../src/shared/pricing';
import { fcParams } from '../../unit/stream2own/fc-seed';
import { aTrack, stream2ownHarness, tempDir } from './harness';

/**
 * Random histories of plays and top-ups against the real wallet: the charges
 * always follow the table, a play the wallet cannot cover is a preview and
 * charges nothing, the wallet never goes below zero. Replay with FC_SEED.
 */
const TRACKS = ['p1', 'p2', 'free', 'short', 'mine'] as const;

const step = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('listen' as const), track: fc.constantFrom(...TRACKS) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('topUp' as const), amount: fc.integer({ min: 0, max: 600 }) }) },
);

describe('charges follow the table (property)', () => {
  it('over random histories', () => {
    const dir = tempDir();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_200 }), fc.array(step, { maxLength: 30 }), (initialBalance, steps) => {
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
          let balance = initialBalance;
          h.domain.applyServerState({ balanceThousandths: balance, asOfMs: 0 });
          const paid = new Map<string, number>();
          let pending = 0;
          for (const s of steps) {
            if (s.kind === 'topUp') {
              // the server settled everything pending and credits were added
              balance = balance - pending + s.amount;
              const ids = h.domain.outbox.unanswered(10_000).map((r) => r.receipt.id);
              h.domain.applyServerState({ balanceThousandths: balance, asOfMs: 1, settledReceiptIds: ids });
              pending = 0;
              continue;
            }
            const before = h.domain.summary().spendableThousandths;
            const n = h.events.length;
            if (s.track === 'short') {
              const r = h.listen('short', 40_000);
              h.domain.handlers['player.report']({ sessionId: r.sessionId, trackId: 'short', seq: 10_000, event: 'ended', positionMs: 40_000 });
            } else {
              h.listen(s.track);
            }
            const counted = h.events.slice(n).filter((e) => e.name === 'player.playCounted');
            expect(counted).toHaveLength(1);
            const c = counted[0]!.payload as { outcome: string; chargeThousandths: number; paidPlayNumber: number | null; freeReason: string | null };
            const paidSoFar = paid.get(s.track) ?? 0;
            if (s.track === 'free' || s.track === 'short' || s.track === 'mine' || paidSoFar >= PAID_PLAYS_TO_OWN) {
              expect(c).toMatchObject({ outcome: 'free', chargeThousandths: 0 });
            } else {
              const price = priceOfPaidPlay(paidSoFar + 1);
              if (before >= price) {
                expect(c).toMatchObject({ outcome: 'charged', chargeThousandths: price, paidPlayNumber: paidSoFar + 1 });
                paid.set(s.track, paidSoFar + 1);
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
        } finally {
          db.close();
        }
      }),
      fcParams(40),
    );
  });
});
