import { COUNT_THRESHOLD_MS, PAID_PLAYS_TO_OWN, cumulativeCostThousandths, priceOfPaidPlay } from '../../shared/pricing';
import type { ServerContext } from '../context';
import type { FreeReason, PlayOutcome, PlayRow } from '../db/schema';
import { inTransaction, lockWallet, RetryableConflict } from '../db/transaction';
import { appendTransfers, chargePostings, type NewTransfer } from '../ledger/postings';
import { renewedAllowance, spendable, type Wallet } from './allowances';
import { applySignature, parseSignedReceipt, precheckReceipt, reject, type DeviceKey, type Prechecked, type Rejection, type VerifiedReceipt } from './verify';

/**
 * Settlement of a batch of play receipts: the core of the money rules.
 *
 * 1. Outside any transaction: parse (once), find the device, check the time
 *    window, and hand the signatures to the worker pool (`SignaturePool`).
 * 2. In ONE transaction that first locks the listener's wallet row (so all
 *    settlement for one listener is serialised across server instances):
 *    apply the verdicts (a bad signature rejects the receipt as before),
 *    dedupe by receipt id, check device revocation and seq reuse, then decide
 *    each play in counted-at order within the batch. Rejected receipts store
 *    nothing and don't affect the others. The verdicts are awaited before
 *    the transaction opens (see there), so under concurrent requests one
 *    batch's database work overlaps the next batches' signatures.
 *
 * The play index is the server's own count of the listener's paid plays of
 * the track, across all devices, at the moment of settlement. A receipt that
 * arrives late (dated before plays already settled) takes the next index: it
 * never reprices what was settled (the ledger is append-only and a resend
 * must get its first answer back). Because a play's price depends only on its
 * index, the total a listener pays for k paid plays is the same whatever order
 * the receipts arrive in; only which receipt carries which price differs.
 */
export type ReceiptResult =
  | {
      index: number;
      id: string;
      status: 'settled';
      /** True when this receipt was settled before: the original answer, unchanged. */
      duplicate: boolean;
      outcome: PlayOutcome;
      freeReason: FreeReason | null;
      playIndex: number | null;
      priceThousandths: number;
      /** The track is owned once this play is settled. */
      owned: boolean;
    }
  | { index: number; id: string | null; status: 'rejected'; reason: Rejection['reason']; message: string; issues?: Rejection['issues'] };

export interface BatchAnswer {
  results: ReceiptResult[];
  wallet: { balanceThousandths: number; reservedThousandths: number; version: number };
  /** The allowance of the posting device after this batch (renewed). */
  allowanceThousandths: number;
}

function settledResult(index: number, row: Pick<PlayRow, 'receipt_id' | 'outcome' | 'free_reason' | 'play_index' | 'price'>, duplicate: boolean): ReceiptResult {
  return {
    index,
    id: row.receipt_id,
    status: 'settled',
    duplicate,
    outcome: row.outcome,
    freeReason: row.free_reason,
    playIndex: row.play_index,
    priceThousandths: row.price,
    owned: row.play_index === PAID_PLAYS_TO_OWN || row.free_reason === 'owned',
  };
}

interface Candidate extends VerifiedReceipt {
  index: number;
  checked: Extract<Prechecked, { ok: true }>;
  signatureValid: boolean;
}

const deviceIdsOf = (candidates: Candidate[]) => [...new Set(candidates.map((c) => c.receipt.deviceId))];

export async function settleBatch(ctx: ServerContext, userId: string, postingDeviceId: string | null, raws: unknown[]): Promise<BatchAnswer> {
  const { db } = ctx.store;
  // For the lock-free checks (counted in the future, too old); settlement reads its own time under the lock.
  const checkedAt = ctx.clock.nowMs();
  const results: Array<ReceiptResult | undefined> = new Array(raws.length);

  // --- 1. lock-free checks; signatures handed to the worker pool ----------
  const parsed = raws.map((raw) => parseSignedReceipt(raw));
  const deviceIds = [...new Set(parsed.flatMap((p) => (p.ok ? [p.receipt.deviceId] : [])))];
  // A device's owner and key never change (revocation is checked under the
  // lock below), so they are cached: with no query before it, a batch's
  // signatures go to the workers the moment it arrives, even while another
  // batch holds SQLite's one connection.
  const keyById = new Map<string, DeviceKey>();
  const missing: string[] = [];
  for (const id of deviceIds) {
    const known = ctx.deviceKeys.get(id);
    if (known) keyById.set(id, known);
    else missing.push(id);
  }
  if (missing.length) {
    for (const d of await db.selectFrom('devices').select(['id', 'user_id', 'public_key']).where('id', 'in', missing).execute()) {
      keyById.set(d.id, d);
      ctx.deviceKeys.set(d.id, d);
    }
  }
  const candidates: Candidate[] = [];
  parsed.forEach((p, index) => {
    if (!p.ok) {
      const rawId = (raws[index] as { receipt?: { id?: unknown } } | null)?.receipt?.id;
      results[index] = { index, id: typeof rawId === 'string' ? rawId : null, status: 'rejected', ...p.rejection };
      return;
    }
    const checked = precheckReceipt(p.receipt, p.signature, userId, keyById.get(p.receipt.deviceId), ctx.config, checkedAt);
    if (!checked.ok) results[index] = { index, id: p.receipt.id, status: 'rejected', ...checked.rejection };
    else candidates.push({ index, ...checked.value, checked, signatureValid: false });
  });
  // The signatures are verified on the worker threads while this thread reads
  // the database below; `result()` verifies here what no worker took yet.
  const submitted = [...candidates];
  const signatures = ctx.signatures.submit(submitted.map((c) => ({ publicKey: c.checked.publicKey, message: c.checked.bytes, signature: c.checked.signature })));
  // Counted-at order within the batch (then device seq, then id, for a total order).
  candidates.sort(
    (a, b) => a.countedAtMs - b.countedAtMs || a.receipt.seq - b.receipt.seq || (a.receipt.id < b.receipt.id ? -1 : a.receipt.id > b.receipt.id ? 1 : 0),
  );

  // The verdicts before the transaction: waiting inside it would hold
  // SQLite's one connection (and a PostgreSQL wallet lock) while the CPU
  // verifies, and the next requests could not even authenticate; outside
  // it, this batch's database work overlaps the next batches' signatures.
  const verdicts = await signatures.result();
  submitted.forEach((c, i) => (c.signatureValid = verdicts[i]!));

  // --- 2. one transaction, listener's wallet locked -------------------------
  return inTransaction(ctx.store, async (tx) => {
    const batchResults = [...results];
    const wallet: Wallet = { ...(await lockWallet(ctx.store, tx, userId)) };
    // Read after taking the lock: on one instance a listener's settlement times never go backwards.
    // The order itself is settle_seq, a per-listener counter in the locked row (not the clock).
    const now = ctx.clock.nowMs();
    // Reads cover every candidate, even those whose signature failed: they only read.
    const receiptIds = [...new Set(candidates.map((c) => c.receipt.id))];
    const trackIds = [...new Set(candidates.map((c) => c.receipt.trackId))];
    const [devices, existing, usedSeqs, tracks, ownArtists, listenerTracks] = await Promise.all([
      tx.selectFrom('devices').select(['id', 'revoked_at', 'allowance', 'last_seq']).where('user_id', '=', userId).execute(),
      receiptIds.length
        ? tx.selectFrom('plays').select(['receipt_id', 'user_id', 'content_hash', 'outcome', 'free_reason', 'play_index', 'price']).where('receipt_id', 'in', receiptIds).execute()
        : [],
      candidates.length
        ? tx
            .selectFrom('plays')
            .select(['device_id', 'seq', 'receipt_id'])
            .where('device_id', 'in', deviceIdsOf(candidates))
            .where('seq', 'in', [...new Set(candidates.map((c) => c.receipt.seq))])
            .execute()
        : [],
      trackIds.length ? tx.selectFrom('tracks').select(['id', 'artist_id', 'duration_ms', 'status']).where('id', 'in', trackIds).execute() : [],
      tx.selectFrom('artist_rightsholders').select('artist_id').where('user_id', '=', userId).execute(),
      trackIds.length
        ? tx.selectFrom('listener_tracks').selectAll().where('user_id', '=', userId).where('track_id', 'in', trackIds).execute()
        : [],
    ]);
    const deviceById = new Map(devices.map((d) => [d.id, { ...d }]));
    const existingById = new Map(existing.map((e) => [e.receipt_id, e]));
    const seqOwner = new Map(usedSeqs.map((u) => [`${u.device_id}:${u.seq}`, u.receipt_id]));
    const trackById = new Map(tracks.map((t) => [t.id, t]));
    const own = new Set(ownArtists.map((a) => a.artist_id));
    const perTrack = new Map(listenerTracks.map((lt) => [lt.track_id, { ...lt }]));
    const touchedTracks = new Set<string>();
    const touchedDevices = new Set<string>();
    const newPlays: PlayRow[] = [];
    const newTransfers: NewTransfer[] = [];
    const startBalance = wallet.balance;
    let charged = 0;

    for (const c of candidates) {
      const r = c.receipt;
      const rejectWith = (rej: Rejection) => {
        batchResults[c.index] = { index: c.index, id: r.id, status: 'rejected', ...rej };
      };
      const invalid = applySignature(c.checked, c.signatureValid);
      if (invalid) {
        rejectWith(invalid);
        continue;
      }
      const seen = existingById.get(r.id);
      if (seen) {
        if (seen.user_id === userId && seen.content_hash === c.contentHash) batchResults[c.index] = settledResult(c.index, seen, true);
        else rejectWith(reject('conflict', 'a different receipt was settled under this id'));
        continue;
      }
      const device = deviceById.get(r.deviceId);
      if (!device) throw new Error('verified device vanished'); // devices are never deleted
      if (device.revoked_at !== null) {
        rejectWith(reject('device_revoked', 'the device was revoked'));
        continue;
      }
      if (seqOwner.has(`${r.deviceId}:${r.seq}`)) {
        rejectWith(reject('seq_reused', `seq ${r.seq} of this device was used by another receipt`));
        continue;
      }
      const track = trackById.get(r.trackId);
      if (!track) {
        rejectWith(reject('unknown_track', 'no such track in the catalog'));
        continue;
      }
      // The server's own duration decides, not the device's.
      if (r.heardMs < Math.min(COUNT_THRESHOLD_MS, track.duration_ms)) {
        rejectWith(reject('not_counted', 'heardMs is below what counts a play of this track'));
        continue;
      }
      let stats = perTrack.get(track.id);
      if (!stats) {
        stats = { user_id: userId, track_id: track.id, paid_plays: 0, total_plays: 0, paid_amount: 0, owned_at: null, version: 0 };
        perTrack.set(track.id, stats);
      }
      const freeReason: FreeReason | null =
        track.duration_ms < COUNT_THRESHOLD_MS
          ? 'short'
          : track.status === 'free'
            ? 'free_track'
            : own.has(track.artist_id)
              ? 'own_track'
              : stats.owned_at !== null
                ? 'owned'
                : null;
      let outcome: PlayOutcome = 'free';
      let playIndex: number | null = null;
      let price = 0;
      if (!freeReason) {
        const nextIndex = stats.paid_plays + 1;
        const nextPrice = priceOfPaidPlay(nextIndex);
        if (spendable(wallet, device.allowance) >= nextPrice) {
          outcome = 'paid';
          playIndex = nextIndex;
          price = nextPrice;
          // The device's own allowance is spent first, then unreserved balance.
          const fromAllowance = Math.min(device.allowance, price);
          device.allowance -= fromAllowance;
          wallet.reserved -= fromAllowance;
          wallet.balance -= price;
          charged += price;
          stats.paid_plays = nextIndex;
          stats.paid_amount += price;
          if (stats.paid_amount !== cumulativeCostThousandths(nextIndex)) throw new Error('pricing invariant broken: paid amount off the table');
          if (nextIndex === PAID_PLAYS_TO_OWN) stats.owned_at = now;
          newTransfers.push({
            settle_seq: wallet.settle_seq + 1,
            id: `play:${r.id}`,
            kind: 'play',
            user_id: userId,
            receipt_id: r.id,
            request_id: null,
            note: null,
            created_at: now,
            postings: chargePostings(userId, track.artist_id, track.id, price),
          });
        } else {
          outcome = 'unpaid'; // counted, not charged, nobody credited
        }
      }
      stats.total_plays += 1;
      touchedTracks.add(track.id);
      touchedDevices.add(device.id);
      device.last_seq = Math.max(device.last_seq, r.seq);
      const play: PlayRow = {
        receipt_id: r.id,
        user_id: userId,
        device_id: r.deviceId,
        seq: r.seq,
        track_id: track.id,
        artist_id: track.artist_id,
        counted_at: c.countedAtMs,
        heard_ms: r.heardMs,
        content_hash: c.contentHash,
        outcome,
        free_reason: outcome === 'free' ? freeReason : null,
        play_index: playIndex,
        price,
        settled_at: now,
        settle_seq: (wallet.settle_seq += 1),
        receipt_json: c.canonicalJson,
        signature: c.signature,
      };
      newPlays.push(play);
      existingById.set(r.id, play);
      seqOwner.set(`${r.deviceId}:${r.seq}`, r.id);
      batchResults[c.index] = settledResult(c.index, play, false);
    }

    if (wallet.balance !== startBalance - charged || wallet.balance < 0 || wallet.reserved < 0 || wallet.reserved > wallet.balance) {
      throw new Error('wallet invariant broken in settlement');
    }

    // Allowance renewal for the posting device, in the same transaction.
    let allowance = 0;
    const posting = postingDeviceId ? deviceById.get(postingDeviceId) : undefined;
    if (posting && posting.revoked_at === null) {
      allowance = renewedAllowance(wallet, posting.allowance, ctx.config.deviceAllowanceThousandths);
      if (allowance !== posting.allowance) {
        posting.allowance = allowance;
        touchedDevices.add(posting.id);
      }
    }

    if (newPlays.length || touchedDevices.size) {
      wallet.version += 1;
      if (newPlays.length) {
        // ON CONFLICT DO NOTHING: a concurrent transaction (another listener
        // reusing an id, in theory) inserted one of these ids after our read;
        // then we start over and see it.
        for (let i = 0; i < newPlays.length; i += 500) {
          const chunk = newPlays.slice(i, i + 500);
          const inserted = await tx.insertInto('plays').values(chunk).onConflict((oc) => oc.doNothing()).returning('receipt_id').execute();
          if (inserted.length !== chunk.length) throw new RetryableConflict('receipt id or seq taken concurrently');
        }
        await appendTransfers(tx, newTransfers);
        const rows = [...touchedTracks].map((id) => ({ ...perTrack.get(id)!, version: wallet.version }));
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
      for (const id of touchedDevices) {
        const d = deviceById.get(id)!;
        await tx.updateTable('devices').set({ allowance: d.allowance, last_seq: d.last_seq }).where('id', '=', id).execute();
      }
      await recordSeqGaps(tx, devices, deviceById, newPlays, now);
      await tx
        .updateTable('wallets')
        .set({ balance: wallet.balance, reserved: wallet.reserved, version: wallet.version, settle_seq: wallet.settle_seq })
        .where('user_id', '=', userId)
        .execute();
    }

    return {
      results: batchResults.map((r, i) => r ?? { index: i, id: null, status: 'rejected' as const, reason: 'malformed' as const, message: 'not processed' }),
      wallet: { balanceThousandths: wallet.balance, reservedThousandths: wallet.reserved, version: wallet.version },
      allowanceThousandths: allowance,
    };
  });
}

/**
 * Records, per device, the sequence numbers skipped past by this batch:
 * numbers above the device's previous highest seq that no receipt has used.
 * Gaps are recorded as observed; a late receipt filling one is accepted.
 */
async function recordSeqGaps(
  tx: Parameters<Parameters<typeof inTransaction>[1]>[0],
  before: Array<{ id: string; last_seq: number }>,
  after: Map<string, { last_seq: number }>,
  newPlays: PlayRow[],
  now: number,
): Promise<void> {
  const gaps: Array<{ device_id: string; from_seq: number; to_seq: number; detected_at: number }> = [];
  for (const b of before) {
    const top = after.get(b.id)!.last_seq;
    if (top <= b.last_seq + 1) continue;
    const seqs = newPlays.filter((p) => p.device_id === b.id && p.seq > b.last_seq).map((p) => p.seq).sort((x, y) => x - y);
    let expected = b.last_seq + 1;
    for (const s of seqs) {
      if (s > expected) gaps.push({ device_id: b.id, from_seq: expected, to_seq: s - 1, detected_at: now });
      expected = s + 1;
    }
  }
  if (gaps.length) await tx.insertInto('seq_gaps').values(gaps).onConflict((oc) => oc.doNothing()).execute();
}
