import { v7 as uuidv7 } from 'uuid';
import type { Selectable } from 'kysely';
import { PRICE_TO_OWN_THOUSANDTHS } from '../../shared/pricing';
import { assert } from '../../shared/assert';
import type { ServerContext } from '../context';
import type { WalletsTable } from '../db/schema';
import type { Tx } from '../db/transaction';
import { appendTransfers } from '../ledger/postings';
import { appendLogLeaves } from '../tlog/append';
import type { LoadedPurchase } from './purchase-load';
import type { PricedPurchase } from './purchase-price';
import type { EmptyPurchaseTables, PurchaseRequest } from './purchase-types';

/** Each track bought is owned, paid in full, at the wallet's next version. */
async function markOwned(
  tx: Tx,
  request: PurchaseRequest,
  loaded: LoadedPurchase,
  priced: PricedPurchase,
  now: number,
): Promise<void> {
  const version = loaded.wallet.version + 1;
  for (const b of priced.bought) {
    const row = { paid_amount: PRICE_TO_OWN_THOUSANDTHS, owned_at: now, version };
    if (loaded.stats.has(b.trackId))
      await tx
        .updateTable('listener_tracks')
        .set(row)
        .where('user_id', '=', request.userId)
        .where('track_id', '=', b.trackId)
        .execute();
    else
      await tx
        .insertInto('listener_tracks')
        .values({ user_id: request.userId, track_id: b.trackId, paid_plays: 0, total_plays: 0, ...row })
        .execute();
  }
}

/**
 * Stage "post": one double-entry transfer for the whole purchase (the ledger
 * refuses one that does not balance), ownership, the wallet, then, last in
 * the transaction, one transparency-log leaf per track bought
 * (docs/transparency-log.md). Nothing is written when nothing was bought.
 */
export async function postPurchase(
  ctx: ServerContext,
  tx: Tx,
  request: PurchaseRequest,
  loaded: LoadedPurchase,
  priced: PricedPurchase,
  now: number,
): Promise<{ transferId: string; wallet: Pick<Selectable<WalletsTable>, 'balance'> }> {
  const { wallet } = loaded;
  const kind = 'trackId' in request.scope ? 'buy_track' : 'buy_release';
  const transferId = `${kind}:${request.userId}:${request.requestId ?? uuidv7()}`;
  if (!priced.bought.length) {
    // Nothing to buy: no transfer (a transfer always moves credits), but a resend must still answer this.
    if (request.requestId)
      await tx
        .withTables<EmptyPurchaseTables>()
        .insertInto('empty_purchases')
        .values({
          user_id: request.userId,
          request_id: request.requestId,
          transfer_id: transferId,
          created_at: now,
        })
        .execute();
    return { transferId, wallet };
  }
  // The listener's next settlement number, under the wallet lock (the earnings report's order).
  const seq = wallet.settle_seq + 1;
  await appendTransfers(tx, [
    {
      id: transferId,
      kind,
      user_id: request.userId,
      receipt_id: null,
      request_id: request.requestId,
      note: null,
      created_at: now,
      settle_seq: seq,
      postings: priced.postings,
    },
  ]);
  await markOwned(tx, request, loaded, priced, now);
  const balance = wallet.balance - priced.totalThousandths;
  assert(balance >= wallet.reserved, 'purchase post: the allowances stay covered');
  await tx
    .updateTable('wallets')
    .set({ balance, version: wallet.version + 1, settle_seq: seq })
    .where('user_id', '=', request.userId)
    .execute();
  const artistOf = new Map(loaded.tracks.map((t) => [t.id, t.artist_id]));
  await appendLogLeaves(
    ctx,
    tx,
    priced.bought.map((b) => ({
      kind: 'purchase' as const,
      userId: request.userId,
      transferId,
      seq,
      time: now,
      trackId: b.trackId,
      artistId: artistOf.get(b.trackId)!,
      price: b.paidThousandths,
    })),
  );
  return { transferId, wallet: { balance } };
}
