import { v7 as uuidv7 } from 'uuid';
import { assert } from '../../../shared/assert';
import { splitCharge } from '../../../shared/pricing';
import { canonicalReceiptJson, type PlayReceipt } from '../../../shared/receipt';
import { signPlayReceipt } from '../../../node/receipt-signing';
import type { Db } from '../db/database';
import type { Selectable } from 'kysely';
import { typedDb } from '../db/typed-query';
import type { CountedPlay } from '../playback/types';
import type { CoopCatalogStore } from './catalog-store';
import { decideCharge, progressAfter, type ChargeDecision, type TrackProgress } from './charge-rules';
import type { DeviceIdentity } from './device-identity';
import type { CoopPlaysTable, WalletTables } from './tables';
import type { WalletStore } from './wallet-store';

/**
 * Records a counted play of a co-op track: decides the charge, writes it to
 * the history, updates the track's progress, and (for every counted play,
 * paid or free) signs a receipt into the outbox, all in ONE transaction, so
 * a crash leaves either all of it or none of it. Previews get a history row
 * and no receipt: they are not counted plays.
 */

export interface RecordedPlay {
  historyId: number;
  decision: ChargeDecision;
  progress: TrackProgress;
  receiptId: string | null;
  /** False when this session's play had been recorded before (a retry): nothing new was written. */
  isNew: boolean;
}

export interface PlayRecorderHooks {
  /** Runs inside the transaction after every write, before COMMIT. Tests use it to crash there. */
  beforeCommit?(play: CountedPlay): void;
}

export interface PlayRecorderDeps {
  db: Db;
  catalog: CoopCatalogStore;
  wallet: WalletStore;
  identity: () => DeviceIdentity;
  newReceiptId?: () => string;
  hooks?: PlayRecorderHooks;
}

type EarlierRow = Pick<
  Selectable<CoopPlaysTable>,
  'id' | 'outcome' | 'free_reason' | 'paid_play_number' | 'price_thousandths' | 'receipt_id'
>;

/** The decision a history row records; the table's CHECKs (and `insertHistory`) guarantee its shape. */
function decisionOf(row: EarlierRow): ChargeDecision {
  if (row.outcome === 'free') {
    assert(row.free_reason !== null, 'a free play has its reason');
    assert(row.paid_play_number === null && row.price_thousandths === 0, 'a free play has no price');
    return { outcome: 'free', freeReason: row.free_reason, paidPlayNumber: null, priceThousandths: 0 };
  }
  assert(row.paid_play_number !== null, `a ${row.outcome} play has its paid-play number`);
  return {
    outcome: row.outcome,
    freeReason: null,
    paidPlayNumber: row.paid_play_number,
    priceThousandths: row.price_thousandths,
  };
}

/** Step 1: this session's play as recorded before (a retry), if it was: exactly once per session. */
function earlierRecord(deps: PlayRecorderDeps, play: CountedPlay): RecordedPlay | undefined {
  const db = typedDb<WalletTables>(deps.db);
  const earlier = db.get(
    db.q
      .selectFrom('coop_plays')
      .select(['id', 'outcome', 'free_reason', 'paid_play_number', 'price_thousandths', 'receipt_id'])
      .where('session_id', '=', play.sessionId),
  );
  if (!earlier) return undefined;
  return {
    historyId: earlier.id,
    decision: decisionOf(earlier),
    progress: deps.wallet.progress(play.trackId),
    receiptId: earlier.receipt_id,
    isNew: false,
  };
}

interface PricedPlay {
  spendableBefore: number;
  progress: TrackProgress;
  decision: ChargeDecision;
  charge: number;
  split: ReturnType<typeof splitCharge>;
}

/** Step 2: the charge for a new counted play, from the track's terms, its progress and the spendable balance. */
function priceThePlay(deps: PlayRecorderDeps, play: CountedPlay): PricedPlay {
  const track = deps.catalog.get(play.trackId);
  if (!track) throw new Error(`co-op track ${play.trackId} is not in the local catalog`);
  const spendableBefore = deps.wallet.balances().spendableThousandths;
  const progress = deps.wallet.progress(play.trackId);
  // The terms as of the count, but the duration the guard counted against (the
  // session's), so a catalog refresh mid-play cannot contradict the count.
  const terms = { ...track, durationMs: play.durationMs };
  const decision = decideCharge(terms, progress, spendableBefore);
  const charge = decision.outcome === 'charged' ? decision.priceThousandths : 0;
  const split = splitCharge(charge);
  assert(charge >= 0 && charge <= spendableBefore, 'a charge is never more than the spendable balance');
  assert(
    split.artistTenThousandths + split.coopTenThousandths === charge * 10,
    'the artist and co-op shares add up to the charge',
  );
  return { spendableBefore, progress, decision, charge, split };
}

/** Step 3: a signed receipt for a counted play (paid or free) into the outbox, at the current device's next seq. */
function signIntoOutbox(
  deps: PlayRecorderDeps,
  newReceiptId: () => string,
  play: CountedPlay,
  charge: number,
): string {
  const db = typedDb<WalletTables>(deps.db);
  const identity = deps.identity();
  const device = db.get(
    db.q
      .selectFrom('devices')
      .select('next_seq as seq')
      .where('id', '=', identity.deviceId)
      .where('retired_at', 'is', null),
  );
  assert(device !== undefined, 'the signing device is the current device');
  const receipt: PlayReceipt = {
    v: 1,
    id: newReceiptId(),
    deviceId: identity.deviceId,
    seq: device.seq,
    trackId: play.trackId,
    sessionStartedAt: new Date(play.sessionStartedAtMs).toISOString(),
    countedAt: new Date(Math.max(play.countedAtMs, play.sessionStartedAtMs)).toISOString(),
    heardMs: Math.floor(play.heardMs),
    durationMs: play.durationMs,
    estimatedPriceThousandths: charge,
  };
  const signed = signPlayReceipt(receipt, identity.privateKey);
  db.run(
    db.q
      .updateTable('devices')
      .set((eb) => ({ next_seq: eb('next_seq', '+', 1) }))
      .where('id', '=', identity.deviceId),
  );
  db.run(
    db.q.insertInto('outbox').values({
      id: receipt.id,
      device_id: receipt.deviceId,
      seq: receipt.seq,
      canonical_json: canonicalReceiptJson(receipt),
      signature: signed.signature,
      created_at: play.countedAtMs,
    }),
  );
  return receipt.id;
}

/** Step 4: the play's history row, with its charge and shares; returns its id. */
function insertHistory(
  db: Db,
  play: CountedPlay,
  priced: PricedPlay,
  receiptId: string | null,
  listenerKey: string | null,
): number {
  const { decision, charge, split } = priced;
  const typed = typedDb<WalletTables>(db);
  const inserted = typed.run(
    typed.q.insertInto('coop_plays').values({
      session_id: play.sessionId,
      track_id: play.trackId,
      outcome: decision.outcome,
      free_reason: decision.freeReason,
      paid_play_number: decision.paidPlayNumber,
      price_thousandths: decision.priceThousandths,
      charge_thousandths: charge,
      artist_ten_thousandths: split.artistTenThousandths,
      coop_ten_thousandths: split.coopTenThousandths,
      heard_ms: Math.floor(play.heardMs),
      session_started_at: play.sessionStartedAtMs,
      counted_at: play.countedAtMs,
      receipt_id: receiptId,
      listener_key: listenerKey,
    }),
  );
  const historyId = Number(inserted.lastInsertRowid);
  assert(historyId > 0, 'the history row is written');
  return historyId;
}

/** One counted play, inside the transaction: steps 1-4, then the progress and the wallet's invariants. */
function recordInTransaction(
  deps: PlayRecorderDeps,
  newReceiptId: () => string,
  play: CountedPlay,
): RecordedPlay {
  const earlier = earlierRecord(deps, play);
  if (earlier) return earlier;
  const priced = priceThePlay(deps, play);
  const { decision, charge, spendableBefore } = priced;
  const receiptId = decision.outcome === 'preview' ? null : signIntoOutbox(deps, newReceiptId, play, charge);
  const historyId = insertHistory(deps.db, play, priced, receiptId, deps.wallet.listenerKey());

  const next = progressAfter(priced.progress, decision);
  deps.wallet.saveProgress(play.trackId, next, play.countedAtMs);

  const spendableAfter = deps.wallet.balances().spendableThousandths;
  assert(spendableAfter === spendableBefore - charge, 'spendable drops by exactly the charge');
  assert(spendableAfter >= 0, 'the wallet never goes below zero');

  deps.hooks?.beforeCommit?.(play);
  return { historyId, decision, progress: next, receiptId, isNew: true };
}

export function createPlayRecorder(deps: PlayRecorderDeps) {
  const { db } = deps;
  const newReceiptId = deps.newReceiptId ?? (() => uuidv7());
  const transaction = db.transaction((play: CountedPlay): RecordedPlay =>
    recordInTransaction(deps, newReceiptId, play),
  );

  return {
    /**
     * BEGIN IMMEDIATE, so the write lock is held before the balance is read;
     * synchronous = FULL for this commit, so a committed charge survives a
     * power cut too, not only a crash.
     */
    record(play: CountedPlay): RecordedPlay {
      db.pragma('synchronous = FULL');
      try {
        return transaction.immediate(play);
      } finally {
        db.pragma('synchronous = NORMAL');
      }
    },
  };
}

export type PlayRecorder = ReturnType<typeof createPlayRecorder>;
