import {
  PRICE_TO_OWN_THOUSANDTHS,
  cumulativeCostThousandths,
  freeReasonFor,
  remainingToOwnThousandths,
} from '../../shared/pricing';
import { v7 as uuidv7 } from 'uuid';
import type { ServerContext } from '../context';
import { inTransaction, lockWallet } from '../db/transaction';
import { ApiError } from '../http/errors';
import { appendTransfers, chargePostings, type Posting } from '../ledger/postings';
import { appendLogLeaves } from '../tlog/append';
import { expireFrozenAllowances } from './allowances';

/**
 * "Buy the rest": pay what is left of 1022 thousandths at once and own the
 * track; a release is the same per track, all or nothing. Paid from the
 * unreserved balance (device allowances stay promised to their devices).
 * A client-chosen `requestId` makes a resent purchase answer the first result.
 */
export interface PurchaseAnswer {
  transferId: string;
  duplicate: boolean;
  tracks: Array<{ trackId: string; paidThousandths: number }>;
  totalThousandths: number;
  balanceThousandths: number;
}

export async function buyTheRest(
  ctx: ServerContext,
  userId: string,
  scope: { trackId: string } | { releaseId: string },
  requestId: string | null,
): Promise<PurchaseAnswer> {
  return inTransaction(ctx.store, async (tx) => {
    const wallet = await lockWallet(ctx.store, tx, userId);
    if (requestId) {
      const earlier = await tx
        .selectFrom('transfers')
        .select('id')
        .where('user_id', '=', userId)
        .where('request_id', '=', requestId)
        .executeTakeFirst();
      if (earlier) {
        const entries = await tx
          .selectFrom('ledger_entries')
          .select(['track_id', 'amount'])
          .where('transfer_id', '=', earlier.id)
          .where('account_type', '=', 'listener')
          .execute();
        const tracks = entries.map((e) => ({ trackId: e.track_id!, paidThousandths: -e.amount / 10 }));
        return {
          transferId: earlier.id,
          duplicate: true,
          tracks,
          totalThousandths: tracks.reduce((s, t) => s + t.paidThousandths, 0),
          balanceThousandths: wallet.balance,
        };
      }
    }
    let query = tx
      .selectFrom('tracks')
      .innerJoin('releases', 'releases.id', 'tracks.release_id')
      .select([
        'tracks.id',
        'tracks.artist_id',
        'tracks.duration_ms',
        'tracks.status',
        'releases.status as release_status',
      ]);
    query =
      'trackId' in scope
        ? query.where('tracks.id', '=', scope.trackId)
        : query.where('tracks.release_id', '=', scope.releaseId);
    const tracks = await query.execute();
    if (!tracks.length)
      throw new ApiError(404, 'not_found', 'trackId' in scope ? 'track not found' : 'release not found');
    // What is no longer (or not yet) in the catalog cannot be bought; what was bought stays owned.
    if (tracks.some((t) => t.release_status !== 'published'))
      throw new ApiError(409, 'unpublished', 'the release is not published');
    const own = new Set(
      (
        await tx
          .selectFrom('artist_rightsholders')
          .select('artist_id')
          .where('user_id', '=', userId)
          .execute()
      ).map((r) => r.artist_id),
    );
    const stats = new Map(
      (
        await tx
          .selectFrom('listener_tracks')
          .selectAll()
          .where('user_id', '=', userId)
          .where(
            'track_id',
            'in',
            tracks.map((t) => t.id),
          )
          .execute()
      ).map((s) => [s.track_id, s]),
    );
    const now = ctx.clock.nowMs();
    // Frozen allowances whose time is up go back first: the purchase may spend them.
    await expireFrozenAllowances(tx, wallet, now);
    const postings: Posting[] = [];
    const bought: PurchaseAnswer['tracks'] = [];
    for (const t of tracks) {
      // Free, short, own and owned tracks need no buying (the same rule that makes their plays free).
      const free = freeReasonFor({
        durationMs: t.duration_ms,
        freeTrack: t.status !== 'paid',
        ownTrack: own.has(t.artist_id),
        owned: stats.get(t.id)?.owned_at != null,
      });
      if (free) continue;
      const s = stats.get(t.id);
      const paidPlays = s?.paid_plays ?? 0;
      const rest = remainingToOwnThousandths(paidPlays);
      if ((s?.paid_amount ?? 0) !== cumulativeCostThousandths(paidPlays))
        throw new Error('pricing invariant broken: paid amount off the table');
      postings.push(...chargePostings(userId, t.artist_id, t.id, rest));
      bought.push({ trackId: t.id, paidThousandths: rest });
    }
    if ('trackId' in scope && !bought.length)
      throw new ApiError(409, 'nothing_to_buy', 'the track is owned, free, short or your own');
    const total = bought.reduce((sum, b) => sum + b.paidThousandths, 0);
    if (total > wallet.balance - wallet.reserved) {
      throw new ApiError(
        402,
        'insufficient_credits',
        `needs ${total} thousandths, ${wallet.balance - wallet.reserved} available`,
      );
    }
    const transferId = `${'trackId' in scope ? 'buy_track' : 'buy_release'}:${userId}:${requestId ?? uuidv7()}`;
    if (bought.length) {
      await appendTransfers(tx, [
        {
          id: transferId,
          kind: 'trackId' in scope ? 'buy_track' : 'buy_release',
          user_id: userId,
          receipt_id: null,
          request_id: requestId,
          note: null,
          created_at: now,
          // The listener's next settlement number, under the wallet lock (the earnings report's order).
          settle_seq: wallet.settle_seq + 1,
          postings,
        },
      ]);
      const version = wallet.version + 1;
      for (const b of bought) {
        const s = stats.get(b.trackId);
        const row = { paid_amount: PRICE_TO_OWN_THOUSANDTHS, owned_at: now, version };
        if (s)
          await tx
            .updateTable('listener_tracks')
            .set(row)
            .where('user_id', '=', userId)
            .where('track_id', '=', b.trackId)
            .execute();
        else
          await tx
            .insertInto('listener_tracks')
            .values({ user_id: userId, track_id: b.trackId, paid_plays: 0, total_plays: 0, ...row })
            .execute();
      }
      await tx
        .updateTable('wallets')
        .set({ balance: wallet.balance - total, version, settle_seq: wallet.settle_seq + 1 })
        .where('user_id', '=', userId)
        .execute();
      // Last in the transaction: one transparency-log leaf per track bought (docs/transparency-log.md).
      const artistOf = new Map(tracks.map((t) => [t.id, t.artist_id]));
      await appendLogLeaves(
        ctx,
        tx,
        bought.map((b) => ({
          kind: 'purchase' as const,
          userId,
          transferId,
          seq: wallet.settle_seq + 1,
          time: now,
          trackId: b.trackId,
          artistId: artistOf.get(b.trackId)!,
          price: b.paidThousandths,
        })),
      );
    }
    return {
      transferId,
      duplicate: false,
      tracks: bought,
      totalThousandths: total,
      balanceThousandths: wallet.balance - total,
    };
  });
}
