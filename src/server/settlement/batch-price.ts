import { assert, InvariantError } from '../../shared/assert';
import {
  PAID_PLAYS_TO_OWN,
  cumulativeCostThousandths,
  freeReasonFor,
  heardMsNeededToCount,
  priceOfPaidPlay,
  type FreeReason,
} from '../../shared/pricing';
import type { PlayOutcome, PlayRow } from '../db/schema';
import { chargePostings, type NewTransfer } from '../ledger/postings';
import { renewedAllowance, spendable, unfreezeAllowance, type Wallet } from './allowances';
import {
  settledResult,
  type Candidate,
  type ListenerTrack,
  type LoadedDevice,
  type LoadedState,
  type LoadedTrack,
  type ReceiptResult,
  type SettledPlay,
} from './batch-types';
import { reject, type Anomaly, type Rejection } from './verify';

/**
 * Stage 4 of settlement: price each receipt. A pure function of the state the
 * lock-and-load stage read (nothing here touches the database or the clock),
 * so it is tested alone. Receipts are decided one by one in the order given
 * (counted-at order); each decision sees the effects of the ones before it.
 *
 * The play index is the server's own count of the listener's paid plays of
 * the track, across all devices, at the moment of settlement: a late receipt
 * takes the next index and never reprices what was settled. The price
 * depends only on that index, never on time: a receipt counted in the future
 * or long ago, or replaying a used seq, is settled and the anomaly recorded.
 */
export interface PricingOptions {
  /** The device that sent the batch: its allowance is renewed (unless revoked or released). */
  postingDeviceId: string | null;
  /** The configured per-device allowance. */
  allowanceTarget: number;
}

export interface PricedBatch {
  /** By request index. */
  results: Map<number, ReceiptResult>;
  wallet: Wallet;
  devices: Map<string, LoadedDevice>;
  listenerTracks: Map<string, ListenerTrack>;
  newPlays: PlayRow[];
  newTransfers: NewTransfer[];
  touchedTracks: Set<string>;
  touchedDevices: Set<string>;
  /** The posting device's allowance after the batch. */
  allowance: number;
  /** Thousandths charged by this batch. */
  charged: number;
}

type Decision =
  | { kind: 'reject'; rejection: Rejection }
  | { kind: 'retry'; message: string }
  | { kind: 'duplicate'; row: SettledPlay }
  | {
      kind: 'settle';
      track: LoadedTrack;
      outcome: PlayOutcome;
      freeReason: FreeReason | null;
      playIndex: number | null;
      price: number;
      anomalies: Anomaly[];
    };

interface Work extends PricedBatch {
  state: LoadedState;
  existing: Map<string, SettledPlay>;
  seqOwner: Set<string>;
  tracks: Map<string, LoadedTrack>;
  own: Set<string>;
  /** Distinct seqs ≤ release_seq seen per released device (loaded, then this batch). */
  releasedSeqs: Map<string, number>;
}

const seqKey = (deviceId: string, seq: number) => `${deviceId}:${seq}`;

export function priceBatch(
  state: LoadedState,
  candidates: readonly Candidate[],
  options: PricingOptions,
): PricedBatch {
  const work = startWork(state);
  const startBalance = work.wallet.balance;
  expireFrozen(work);
  for (const c of candidates) {
    const decision = decideSafely(work, c);
    applyDecision(work, c, decision);
  }
  completeReleases(work);
  renewPosting(work, options);
  assert(work.wallet.balance === startBalance - work.charged, 'the wallet moved by exactly what was charged');
  assert(work.wallet.reserved >= 0 && work.wallet.reserved <= work.wallet.balance, '0 ≤ reserved ≤ balance');
  assert(
    work.wallet.reserved === sumAllowances(work.devices),
    'reserved is the sum of the device allowances',
  );
  assert(work.results.size === candidates.length, 'every candidate has exactly one answer');
  const { state: _s, existing: _e, seqOwner: _o, tracks: _t, own: _w, releasedSeqs: _r, ...priced } = work;
  return priced;
}

const sumAllowances = (devices: Map<string, LoadedDevice>) =>
  [...devices.values()].reduce((sum, d) => sum + d.allowance, 0);

/** Working copies of everything pricing changes: the loaded state itself is left as it was. */
function startWork(state: LoadedState): Work {
  const devices = new Map(state.devices.map((d) => [d.id, { ...d }]));
  const wallet = { ...state.wallet };
  assert(wallet.reserved === sumAllowances(devices), 'loaded: reserved is the sum of the device allowances');
  return {
    state,
    results: new Map(),
    wallet,
    devices,
    listenerTracks: new Map(state.listenerTracks.map((lt) => [lt.track_id, { ...lt }])),
    newPlays: [],
    newTransfers: [],
    touchedTracks: new Set(),
    touchedDevices: new Set(),
    allowance: 0,
    charged: 0,
    existing: new Map(state.existing.map((e) => [e.receipt_id, e])),
    seqOwner: new Set(state.usedSeqs.map((u) => seqKey(u.device_id, u.seq))),
    tracks: new Map(state.tracks.map((t) => [t.id, t])),
    own: new Set(state.ownArtists),
    releasedSeqs: new Map(state.releasedSeqCounts.map((r) => [r.device_id, r.count])),
  };
}

/** Frozen allowances whose time is up go back to the wallet (lazily, now that it is locked). */
function expireFrozen(work: Work): void {
  for (const device of work.devices.values()) {
    if (device.frozen_until !== null && device.frozen_until <= work.state.now) {
      unfreezeAllowance(work.wallet, device);
      work.touchedDevices.add(device.id);
    }
  }
}

/**
 * `decideReceipt`, but an unexpected error deciding one receipt answers that
 * receipt `retry_later` instead of failing the batch. Safe: deciding changes
 * nothing (only `applyDecision` does). A broken invariant still fails it all.
 */
function decideSafely(work: Work, c: Candidate): Decision {
  try {
    return decideReceipt(work, c);
  } catch (error) {
    if (error instanceof InvariantError) throw error;
    return {
      kind: 'retry',
      message: `could not be decided, send it again later: ${(error as Error).message}`,
    };
  }
}

/** What to do with one receipt, given everything decided before it. Reads `work`, changes nothing. */
function decideReceipt(work: Work, c: Candidate): Decision {
  const r = c.receipt;
  if (!c.signatureValid)
    return {
      kind: 'reject',
      rejection: reject('bad_signature', "signature does not verify with the device's key"),
    };
  const seen = work.existing.get(r.id);
  if (seen) {
    if (seen.user_id === work.state.userId && seen.content_hash === c.contentHash)
      return { kind: 'duplicate', row: seen };
    return { kind: 'reject', rejection: reject('conflict', 'a different receipt was settled under this id') };
  }
  const device = work.devices.get(r.deviceId);
  assert(device, 'a verified receipt has its device loaded'); // devices are never deleted
  if (device.revoked_at !== null && c.countedAtMs > device.revoked_at) {
    return { kind: 'reject', rejection: reject('device_revoked', 'counted after the device was revoked') };
  }
  const track = work.tracks.get(r.trackId);
  if (!track) return { kind: 'reject', rejection: reject('unknown_track', 'no such track in the catalog') };
  // The server's own duration decides, not the device's; the same rule as the app's guard.
  if (r.heardMs < heardMsNeededToCount(track.duration_ms)) {
    return {
      kind: 'reject',
      rejection: reject('not_counted', 'heardMs is below what counts a play of this track'),
    };
  }
  const anomalies: Anomaly[] = [
    ...(c.timeAnomaly ? [c.timeAnomaly] : []),
    ...(work.seqOwner.has(seqKey(r.deviceId, r.seq)) ? (['seq_reused'] as const) : []),
  ];
  const stats = work.listenerTracks.get(track.id);
  const freeReason = freeReasonFor({
    durationMs: track.duration_ms,
    freeTrack: track.status === 'free',
    ownTrack: work.own.has(track.artist_id),
    owned: (stats?.owned_at ?? null) !== null,
  });
  if (freeReason)
    return { kind: 'settle', track, outcome: 'free', freeReason, playIndex: null, price: 0, anomalies };
  const playIndex = (stats?.paid_plays ?? 0) + 1;
  const price = priceOfPaidPlay(playIndex);
  if (spendable(work.wallet, device.allowance) < price) {
    return {
      kind: 'settle',
      track,
      outcome: 'unpaid',
      freeReason: null,
      playIndex: null,
      price: 0,
      anomalies,
    }; // counted, not charged, nobody credited
  }
  return { kind: 'settle', track, outcome: 'paid', freeReason: null, playIndex, price, anomalies };
}

/** Carries out a decision on the working state: the receipt's answer, and for a new play its row, charge and counters. */
function applyDecision(work: Work, c: Candidate, decision: Decision): void {
  const r = c.receipt;
  if (decision.kind === 'reject') {
    work.results.set(c.index, { index: c.index, id: r.id, status: 'rejected', ...decision.rejection });
    return;
  }
  if (decision.kind === 'retry') {
    work.results.set(c.index, {
      index: c.index,
      id: r.id,
      status: 'rejected',
      reason: 'retry_later',
      message: decision.message,
    });
    return;
  }
  if (decision.kind === 'duplicate') {
    work.results.set(c.index, settledResult(c.index, decision.row, true));
    return;
  }
  const device = work.devices.get(r.deviceId)!;
  const stats = statsFor(work, decision.track.id);
  if (decision.outcome === 'paid') charge(work, c, device, stats, decision);
  stats.total_plays += 1;
  work.touchedTracks.add(decision.track.id);
  work.touchedDevices.add(device.id);
  device.last_seq = Math.max(device.last_seq, r.seq);
  const reused = decision.anomalies.includes('seq_reused');
  if (!reused && device.release_seq !== null && r.seq <= device.release_seq)
    work.releasedSeqs.set(device.id, (work.releasedSeqs.get(device.id) ?? 0) + 1);
  const play = playRow(work, c, decision);
  work.newPlays.push(play);
  work.existing.set(r.id, play);
  work.seqOwner.add(seqKey(r.deviceId, r.seq));
  work.results.set(c.index, settledResult(c.index, play, false));
}

function statsFor(work: Work, trackId: string): ListenerTrack {
  let stats = work.listenerTracks.get(trackId);
  if (!stats) {
    stats = {
      user_id: work.state.userId,
      track_id: trackId,
      paid_plays: 0,
      total_plays: 0,
      paid_amount: 0,
      owned_at: null,
      version: 0,
    };
    work.listenerTracks.set(trackId, stats);
  }
  return stats;
}

/** A paid play: the device's own allowance is spent first, then unreserved balance; one balanced transfer. */
function charge(
  work: Work,
  c: Candidate,
  device: LoadedDevice,
  stats: ListenerTrack,
  decision: Extract<Decision, { kind: 'settle' }>,
): void {
  const { price, playIndex, track } = decision;
  assert(
    playIndex === stats.paid_plays + 1 && price === priceOfPaidPlay(playIndex),
    'a paid play takes the next index at its price',
  );
  const fromAllowance = Math.min(device.allowance, price);
  device.allowance -= fromAllowance;
  work.wallet.reserved -= fromAllowance;
  work.wallet.balance -= price;
  work.charged += price;
  stats.paid_plays = playIndex;
  stats.paid_amount += price;
  assert(stats.paid_amount === cumulativeCostThousandths(playIndex), 'paid amount is on the price table');
  assert(work.wallet.balance >= 0 && work.wallet.reserved >= 0, 'a charge never takes the wallet below zero');
  if (playIndex === PAID_PLAYS_TO_OWN) stats.owned_at = work.state.now;
  work.newTransfers.push({
    settle_seq: work.wallet.settle_seq + 1,
    id: `play:${c.receipt.id}`,
    kind: 'play',
    user_id: work.state.userId,
    receipt_id: c.receipt.id,
    request_id: null,
    note: null,
    created_at: work.state.now,
    postings: chargePostings(work.state.userId, track.artist_id, track.id, price),
  });
}

function playRow(work: Work, c: Candidate, decision: Extract<Decision, { kind: 'settle' }>): PlayRow {
  const r = c.receipt;
  return {
    receipt_id: r.id,
    user_id: work.state.userId,
    device_id: r.deviceId,
    seq: r.seq,
    track_id: decision.track.id,
    artist_id: decision.track.artist_id,
    counted_at: c.countedAtMs,
    heard_ms: r.heardMs,
    content_hash: c.contentHash,
    outcome: decision.outcome,
    free_reason: decision.freeReason,
    play_index: decision.playIndex,
    price: decision.price,
    settled_at: work.state.now,
    settle_seq: (work.wallet.settle_seq += 1),
    receipt_json: c.canonicalJson,
    signature: c.signature,
    anomaly: decision.anomalies.length ? decision.anomalies.join(',') : null,
    clock_skew_ms: decision.anomalies.includes('counted_in_future') ? c.clockSkewMs : null,
  };
}

/** A released device whose receipts up to its stated last seq are all in: the rest of its frozen allowance goes back. */
function completeReleases(work: Work): void {
  for (const device of work.devices.values()) {
    if (device.release_seq === null || device.frozen_until === null) continue;
    if ((work.releasedSeqs.get(device.id) ?? 0) < device.release_seq) continue;
    unfreezeAllowance(work.wallet, device);
    work.touchedDevices.add(device.id);
  }
}

/** The posting device's allowance is topped up, unless it was revoked or released (frozen allowances are never renewed). */
function renewPosting(work: Work, options: PricingOptions): void {
  const posting = options.postingDeviceId ? work.devices.get(options.postingDeviceId) : undefined;
  if (!posting || posting.revoked_at !== null || posting.release_seq !== null) return;
  const next = renewedAllowance(work.wallet, posting.allowance, options.allowanceTarget);
  if (next !== posting.allowance) {
    posting.allowance = next;
    work.touchedDevices.add(posting.id);
  }
  work.allowance = next;
}
