import { assert } from '../../shared/assert';
import type { ServerContext } from '../context';
import { inTransaction, lockWallet } from '../db/transaction';
import { expireFrozenAllowances } from './allowances';
import { loadPurchase, replayEarlier } from './purchase-load';
import { postPurchase } from './purchase-post';
import { pricePurchase, type PricedPurchase } from './purchase-price';
import type { PurchaseAnswer, PurchaseRequest } from './purchase-types';

export type { PurchaseAnswer } from './purchase-types';

/**
 * "Buy the rest": pay what is left of 1022 thousandths at once and own the
 * track; a release is the same per track, all or nothing. Paid from the
 * unreserved balance (device allowances stay promised to their devices).
 * A client-chosen `requestId` makes a resent purchase answer the first result.
 *
 * Named stages, as settle-batch's, each asserting what it guarantees:
 * 1. parse: the request, one scope;
 * 2. lock and load (`purchase-load.ts`): the listener's wallet row locked,
 *    a resent request answered from the ledger, else the tracks, rights and
 *    counters; frozen allowances whose time is up go back (the purchase may spend them);
 * 3. price (`purchase-price.ts`): pure, from the loaded state, with the
 *    shared free-reason rule; the postings sum to zero;
 * 4. post (`purchase-post.ts`): the transfer, ownership, the wallet, the log leaves;
 * 5. answer.
 */
export async function buyTheRest(
  ctx: ServerContext,
  userId: string,
  scope: { trackId: string } | { releaseId: string },
  requestId: string | null,
): Promise<PurchaseAnswer> {
  const request = parsePurchase(userId, scope, requestId);
  return inTransaction(ctx.store, async (tx) => {
    const wallet = await lockWallet(ctx.store, tx, userId);
    const earlier = await replayEarlier(tx, request, wallet);
    if (earlier) return earlier;
    const loaded = await loadPurchase(tx, request, wallet);
    const now = ctx.clock.nowMs();
    // Frozen allowances whose time is up go back first: the purchase may spend them.
    await expireFrozenAllowances(tx, loaded.wallet, now);
    const priced = pricePurchase(request, loaded);
    const posted = await postPurchase(ctx, tx, request, loaded, priced, now);
    return answer(posted.transferId, priced, posted.wallet.balance);
  });
}

/** Stage 1: one scope, a track or a release. */
function parsePurchase(
  userId: string,
  scope: PurchaseRequest['scope'],
  requestId: string | null,
): PurchaseRequest {
  assert(userId.length > 0, 'purchase parse: a listener');
  assert('trackId' in scope !== 'releaseId' in scope, 'purchase parse: one track or one release');
  return { userId, scope, requestId };
}

/** Stage 5: what was bought, its total, and the balance after it. */
function answer(transferId: string, priced: PricedPurchase, balanceThousandths: number): PurchaseAnswer {
  assert(
    priced.totalThousandths === priced.bought.reduce((sum, b) => sum + b.paidThousandths, 0),
    'purchase answer: the total is the sum of the tracks bought',
  );
  return {
    transferId,
    duplicate: false,
    tracks: priced.bought,
    totalThousandths: priced.totalThousandths,
    balanceThousandths,
  };
}
