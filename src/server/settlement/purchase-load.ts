import type { Selectable } from 'kysely';
import { assert } from '../../shared/assert';
import type { ListenerTracksTable, WalletsTable } from '../db/schema';
import type { Tx } from '../db/transaction';
import { ApiError } from '../http/errors';
import type { EmptyPurchaseTables, PurchaseAnswer, PurchaseRequest } from './purchase-types';

/** What pricing a purchase needs, read under the listener's wallet lock. */
export interface LoadedPurchase {
  wallet: Selectable<WalletsTable>;
  tracks: Array<{
    id: string;
    artist_id: string;
    duration_ms: number;
    status: 'paid' | 'free';
    release_status: string;
  }>;
  /** Artists the listener holds the rights of. */
  ownArtists: Set<string>;
  /** The listener's counters per track of the purchase. */
  stats: Map<string, Selectable<ListenerTracksTable>>;
}

/** A resent purchase (same `requestId`) answers what the first one bought, from its ledger entries. */
export async function replayEarlier(
  tx: Tx,
  request: PurchaseRequest,
  wallet: Selectable<WalletsTable>,
): Promise<PurchaseAnswer | null> {
  if (!request.requestId) return null;
  const earlier = await tx
    .selectFrom('transfers')
    .select('id')
    .where('user_id', '=', request.userId)
    .where('request_id', '=', request.requestId)
    .executeTakeFirst();
  if (!earlier) return replayEmpty(tx, request, wallet);
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

/** A resent purchase whose first attempt bought nothing (no transfer): the same empty answer, marked a duplicate. */
async function replayEmpty(
  tx: Tx,
  request: PurchaseRequest,
  wallet: Selectable<WalletsTable>,
): Promise<PurchaseAnswer | null> {
  const empty = await tx
    .withTables<EmptyPurchaseTables>()
    .selectFrom('empty_purchases')
    .select('transfer_id')
    .where('user_id', '=', request.userId)
    .where('request_id', '=', request.requestId!)
    .executeTakeFirst();
  if (!empty) return null;
  return {
    transferId: empty.transfer_id,
    duplicate: true,
    tracks: [],
    totalThousandths: 0,
    balanceThousandths: wallet.balance,
  };
}

/** The purchase's tracks (404 when none, 409 when not published), the listener's rights and counters. */
export async function loadPurchase(
  tx: Tx,
  request: PurchaseRequest,
  wallet: Selectable<WalletsTable>,
): Promise<LoadedPurchase> {
  const { scope, userId } = request;
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
  const rights = await tx
    .selectFrom('artist_rightsholders')
    .select('artist_id')
    .where('user_id', '=', userId)
    .execute();
  const counters = await tx
    .selectFrom('listener_tracks')
    .selectAll()
    .where('user_id', '=', userId)
    .where(
      'track_id',
      'in',
      tracks.map((t) => t.id),
    )
    .execute();
  const stats = new Map(counters.map((s) => [s.track_id, s]));
  assert(
    [...stats.values()].every((s) => s.user_id === userId && tracks.some((t) => t.id === s.track_id)),
    "purchase load: counters are the listener's, for the purchase's tracks",
  );
  return { wallet, tracks, ownArtists: new Set(rights.map((r) => r.artist_id)), stats };
}
