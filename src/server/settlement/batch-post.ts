import { assert } from '../../shared/assert';
import { TEN_THOUSANDTHS_PER_THOUSANDTH } from '../../shared/pricing';
import type { PlayRow } from '../db/schema';
import { RetryableConflict, type Tx } from '../db/transaction';
import { appendTransfers, type NewTransfer } from '../ledger/postings';
import type { PricedBatch } from './batch-price';
import type { LoadedDevice, LoadedState } from './batch-types';

/**
 * Stage 5 of settlement: write what the pricing stage decided, in the same
 * transaction (double-entry: every transfer's postings sum to zero, and the
 * listener's postings sum to exactly what was charged). Any database error
 * here rolls the whole transaction back: nothing is half-posted.
 *
 * The answer is the list of settlement events this batch produced (new plays
 * and their transfers): the one place later consumers (the transparency
 * log) take them from.
 */
export interface PostedEvents {
  plays: PlayRow[];
  transfers: NewTransfer[];
}

export async function postBatch(tx: Tx, loaded: LoadedState, priced: PricedBatch): Promise<PostedEvents> {
  const { wallet, newPlays, newTransfers } = priced;
  const listenerTotal = newTransfers
    .flatMap((t) => t.postings)
    .reduce((sum, p) => sum + (p.account_type === 'listener' ? p.amount : 0), 0);
  const allTotal = newTransfers.flatMap((t) => t.postings).reduce((sum, p) => sum + p.amount, 0);
  assert(allTotal === 0, 'post: the postings of the batch sum to zero');
  assert(
    listenerTotal === -priced.charged * TEN_THOUSANDTHS_PER_THOUSANDTH,
    'post: the listener is debited exactly what was charged',
  );
  if (!newPlays.length && !priced.touchedDevices.size) return { plays: [], transfers: [] };
  wallet.version += 1;
  if (newPlays.length) {
    // ON CONFLICT DO NOTHING: a concurrent transaction (another listener
    // reusing an id, in theory) inserted one of these ids after our read;
    // then we start over and see it.
    for (let i = 0; i < newPlays.length; i += 500) {
      const chunk = newPlays.slice(i, i + 500);
      const inserted = await tx
        .insertInto('plays')
        .values(chunk)
        .onConflict((oc) => oc.doNothing())
        .returning('receipt_id')
        .execute();
      if (inserted.length !== chunk.length) throw new RetryableConflict('receipt id taken concurrently');
    }
    await appendTransfers(tx, newTransfers);
    await upsertListenerTracks(tx, priced);
  }
  for (const id of priced.touchedDevices) {
    const d = priced.devices.get(id)!;
    await tx
      .updateTable('devices')
      .set({ allowance: d.allowance, last_seq: d.last_seq, frozen_until: d.frozen_until })
      .where('id', '=', id)
      .execute();
  }
  await recordSeqGaps(tx, loaded.devices, priced.devices, newPlays, loaded.now);
  await tx
    .updateTable('wallets')
    .set({
      balance: wallet.balance,
      reserved: wallet.reserved,
      version: wallet.version,
      settle_seq: wallet.settle_seq,
    })
    .where('user_id', '=', loaded.userId)
    .execute();
  return { plays: newPlays, transfers: newTransfers };
}

async function upsertListenerTracks(tx: Tx, priced: PricedBatch): Promise<void> {
  const rows = [...priced.touchedTracks].map((id) => ({
    ...priced.listenerTracks.get(id)!,
    version: priced.wallet.version,
  }));
  await tx
    .insertInto('listener_tracks')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['user_id', 'track_id']).doUpdateSet((eb) => ({
        paid_plays: eb.ref('excluded.paid_plays'),
        total_plays: eb.ref('excluded.total_plays'),
        paid_amount: eb.ref('excluded.paid_amount'),
        owned_at: eb.ref('excluded.owned_at'),
        version: eb.ref('excluded.version'),
      })),
    )
    .execute();
}

/**
 * Records, per device, the sequence numbers skipped past by this batch:
 * numbers above the device's previous highest seq that no receipt has used.
 * Gaps are recorded as observed; a late receipt filling one is accepted.
 */
async function recordSeqGaps(
  tx: Tx,
  before: LoadedDevice[],
  after: Map<string, LoadedDevice>,
  newPlays: PlayRow[],
  now: number,
): Promise<void> {
  const gaps: Array<{ device_id: string; from_seq: number; to_seq: number; detected_at: number }> = [];
  for (const b of before) {
    const top = after.get(b.id)!.last_seq;
    if (top <= b.last_seq + 1) continue;
    const seqs = [
      ...new Set(newPlays.filter((p) => p.device_id === b.id && p.seq > b.last_seq).map((p) => p.seq)),
    ].sort((x, y) => x - y);
    let expected = b.last_seq + 1;
    for (const s of seqs) {
      if (s > expected) gaps.push({ device_id: b.id, from_seq: expected, to_seq: s - 1, detected_at: now });
      expected = s + 1;
    }
  }
  if (gaps.length)
    await tx
      .insertInto('seq_gaps')
      .values(gaps)
      .onConflict((oc) => oc.doNothing())
      .execute();
}
