import { assert } from '../../shared/assert';
import type { ServerContext } from '../context';
import { lockWallet, type Tx } from '../db/transaction';
import type { Candidate, LoadedState } from './batch-types';

/**
 * Stage 3 of settlement, inside the transaction: lock the listener's wallet
 * row (so all settlement for one listener is serialised across server
 * instances), read the time after the lock (on one instance a listener's
 * settlement times never go backwards; the order itself is settle_seq), and
 * load everything the pricing stage decides from. Reads cover every
 * candidate, even those whose signature failed: they only read.
 */
export async function lockAndLoad(
  ctx: ServerContext,
  tx: Tx,
  userId: string,
  candidates: readonly Candidate[],
): Promise<LoadedState> {
  const wallet = { ...(await lockWallet(ctx.store, tx, userId)) };
  const now = ctx.clock.nowMs();
  const receiptIds = [...new Set(candidates.map((c) => c.receipt.id))];
  const trackIds = [...new Set(candidates.map((c) => c.receipt.trackId))];
  const deviceIds = [...new Set(candidates.map((c) => c.receipt.deviceId))];
  const seqs = [...new Set(candidates.map((c) => c.receipt.seq))];
  const [devices, existing, usedSeqs, tracks, ownArtists, listenerTracks] = await Promise.all([
    tx
      .selectFrom('devices')
      .select(['id', 'revoked_at', 'allowance', 'last_seq', 'frozen_until', 'release_seq'])
      .where('user_id', '=', userId)
      .execute(),
    receiptIds.length
      ? tx
          .selectFrom('plays')
          .select(['receipt_id', 'user_id', 'content_hash', 'outcome', 'free_reason', 'play_index', 'price'])
          .where('receipt_id', 'in', receiptIds)
          .execute()
      : [],
    candidates.length
      ? tx
          .selectFrom('plays')
          .select(['device_id', 'seq'])
          .where('device_id', 'in', deviceIds)
          .where('seq', 'in', seqs)
          .execute()
      : [],
    trackIds.length
      ? tx
          .selectFrom('tracks')
          .select(['id', 'artist_id', 'duration_ms', 'status'])
          .where('id', 'in', trackIds)
          .execute()
      : [],
    tx.selectFrom('artist_rightsholders').select('artist_id').where('user_id', '=', userId).execute(),
    trackIds.length
      ? tx
          .selectFrom('listener_tracks')
          .selectAll()
          .where('user_id', '=', userId)
          .where('track_id', 'in', trackIds)
          .execute()
      : [],
  ]);
  const releasedSeqCounts = await countReleasedSeqs(tx, devices, deviceIds);
  const known = new Set(devices.map((d) => d.id));
  assert(
    candidates.every((c) => known.has(c.receipt.deviceId)),
    "lock and load: every candidate's device is the listener's",
  );
  return {
    userId,
    now,
    wallet,
    devices: devices.map((d) => ({ ...d, allowance: Number(d.allowance), last_seq: Number(d.last_seq) })),
    existing,
    usedSeqs: usedSeqs.map((u) => ({ device_id: u.device_id, seq: Number(u.seq) })),
    tracks,
    ownArtists: ownArtists.map((a) => a.artist_id),
    listenerTracks,
    releasedSeqCounts,
  };
}

/** Released devices (of this batch) still holding a frozen allowance: how many of the receipts they stated have arrived. */
async function countReleasedSeqs(
  tx: Tx,
  devices: Array<{ id: string; release_seq: number | null; frozen_until: number | null }>,
  deviceIds: string[],
): Promise<LoadedState['releasedSeqCounts']> {
  const counts: LoadedState['releasedSeqCounts'] = [];
  for (const d of devices) {
    if (d.release_seq === null || d.frozen_until === null || !deviceIds.includes(d.id)) continue;
    const row = await tx
      .selectFrom('plays')
      .select((eb) => eb.fn.count<number>('seq').distinct().as('n'))
      .where('device_id', '=', d.id)
      .where('seq', '<=', d.release_seq)
      .executeTakeFirst();
    counts.push({ device_id: d.id, count: Number(row?.n ?? 0) });
  }
  return counts;
}
