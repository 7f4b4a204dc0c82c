import { v7 as uuidv7 } from 'uuid';
import { splitCharge } from '../../../shared/pricing';
import { canonicalReceiptJson, type PlayReceipt } from '../../../shared/receipt';
import { signPlayReceipt } from '../../../node/receipt-signing';
import type { Db } from '../db/database';
import type { CountedPlay } from '../playback/types';
import type { CoopCatalogStore } from './catalog-store';
import { decideCharge, progressAfter, type ChargeDecision, type TrackProgress } from './charge-rules';
import type { DeviceIdentity } from './device-identity';
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

function assertInvariant(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`charge invariant broken: ${message}`);
}

export function createPlayRecorder(deps: PlayRecorderDeps) {
  const { db } = deps;
  const newReceiptId = deps.newReceiptId ?? (() => uuidv7());

  const transaction = db.transaction((play: CountedPlay): RecordedPlay => {
    const earlier = db
      .prepare('SELECT id, outcome, free_reason, paid_play_number, price_thousandths, receipt_id FROM coop_plays WHERE session_id = ?')
      .get(play.sessionId) as
      | { id: number; outcome: ChargeDecision['outcome']; free_reason: string | null; paid_play_number: number | null; price_thousandths: number; receipt_id: string | null }
      | undefined;
    if (earlier) {
      // Exactly once per session, even if the guard were asked twice.
      return {
        historyId: earlier.id,
        decision: {
          outcome: earlier.outcome,
          freeReason: earlier.free_reason,
          paidPlayNumber: earlier.paid_play_number,
          priceThousandths: earlier.price_thousandths,
        } as ChargeDecision,
        progress: deps.wallet.progress(play.trackId),
        receiptId: earlier.receipt_id,
        isNew: false,
      };
    }

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

    let receiptId: string | null = null;
    if (decision.outcome !== 'preview') {
      const identity = deps.identity();
      const device = db.prepare('SELECT next_seq AS seq FROM devices WHERE id = ? AND retired_at IS NULL').get(identity.deviceId) as
        | { seq: number }
        | undefined;
      assertInvariant(device !== undefined, 'the signing device is the current device');
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
      db.prepare('UPDATE devices SET next_seq = next_seq + 1 WHERE id = ?').run(identity.deviceId);
      db.prepare(
        'INSERT INTO outbox (id, device_id, seq, canonical_json, signature, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      ).run(receipt.id, receipt.deviceId, receipt.seq, canonicalReceiptJson(receipt), signed.signature, play.countedAtMs);
      receiptId = receipt.id;
    }

    const historyId = Number(
      db
        .prepare(
          `INSERT INTO coop_plays (session_id, track_id, outcome, free_reason, paid_play_number, price_thousandths,
             charge_thousandths, artist_ten_thousandths, coop_ten_thousandths, heard_ms, session_started_at, counted_at, receipt_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          play.sessionId,
          play.trackId,
          decision.outcome,
          decision.freeReason,
          decision.paidPlayNumber,
          decision.priceThousandths,
          charge,
          split.artistTenThousandths,
          split.coopTenThousandths,
          Math.floor(play.heardMs),
          play.sessionStartedAtMs,
          play.countedAtMs,
          receiptId,
        ).lastInsertRowid,
    );

    const next = progressAfter(progress, decision);
    deps.wallet.saveProgress(play.trackId, next, play.countedAtMs);

    const spendableAfter = deps.wallet.balances().spendableThousandths;
    assertInvariant(spendableAfter === spendableBefore - charge, 'spendable drops by exactly the charge');
    assertInvariant(spendableAfter >= 0, 'the wallet never goes below zero');

    deps.hooks?.beforeCommit?.(play);
    return { historyId, decision, progress: next, receiptId, isNew: true };
  });

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
