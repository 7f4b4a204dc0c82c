import { assert } from '../../shared/assert';
import type { ServerContext } from '../context';
import { inTransaction } from '../db/transaction';
import { parseAndPrecheck, verifySignatures } from './batch-parse';
import { lockAndLoad } from './batch-load';
import { priceBatch, type PricedBatch } from './batch-price';
import { postBatch } from './batch-post';
import { appendLogLeaves, playEvents } from '../tlog/append';
import type { BatchAnswer, ReceiptResult } from './batch-types';

export type { BatchAnswer, ReceiptResult } from './batch-types';

/**
 * Settlement of a batch of play receipts: the core of the money rules, as a
 * pipeline of named stages, each asserting what it guarantees at its end:
 *
 * 1. parse and precheck (`batch-parse.ts`): shape, device ownership, time
 *    anomaly; a bad receipt is rejected alone.
 * 2. verify signatures (`batch-parse.ts`), on the worker pool, before the
 *    transaction opens, so one batch's database work overlaps the next
 *    batches' signatures.
 * 3. lock and load (`batch-load.ts`): ONE transaction that first locks the
 *    listener's wallet row (all settlement for one listener is serialised
 *    across server instances), then reads what pricing needs.
 * 4. price each receipt (`batch-price.ts`): a pure function of the loaded
 *    state, in counted-at order; rejected receipts store nothing.
 * 5. post (`batch-post.ts`): the plays, the double-entry transfers, the
 *    counters; answers the settlement events produced.
 * 6. answer: one result per receipt, in request order.
 *
 * A receipt's price depends only on the server's own index (never on time),
 * so the total a listener pays for k paid plays is the same whatever order
 * the receipts arrive in; only which receipt carries which price differs.
 */
export async function settleBatch(
  ctx: ServerContext,
  userId: string,
  postingDeviceId: string | null,
  raws: unknown[],
): Promise<BatchAnswer> {
  const prechecks = await parseAndPrecheck(ctx, userId, raws, ctx.clock.nowMs());
  const candidates = await verifySignatures(ctx, prechecks);
  return inTransaction(ctx.store, async (tx) => {
    const loaded = await lockAndLoad(ctx, tx, userId, candidates);
    const priced = priceBatch(loaded, candidates, {
      postingDeviceId,
      allowanceTarget: ctx.config.deviceAllowanceThousandths,
    });
    const posted = await postBatch(tx, loaded, priced);
    // Last in the transaction: the plays and their transparency-log leaves commit together (docs/transparency-log.md).
    await appendLogLeaves(ctx, tx, playEvents(posted.plays));
    return answer(raws.length, prechecks.rejected, priced);
  });
}

/** Stage 6: every receipt of the request has exactly one result, at its index. */
function answer(count: number, rejected: Map<number, ReceiptResult>, priced: PricedBatch): BatchAnswer {
  const results = Array.from({ length: count }, (_, i) => rejected.get(i) ?? priced.results.get(i));
  assert(
    results.every((r, i) => r !== undefined && r.index === i),
    'answer: one result per receipt, in request order',
  );
  const { wallet } = priced;
  return {
    results: results as ReceiptResult[],
    wallet: {
      balanceThousandths: wallet.balance,
      reservedThousandths: wallet.reserved,
      version: wallet.version,
    },
    allowanceThousandths: priced.allowance,
  };
}
