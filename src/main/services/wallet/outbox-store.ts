import type { Db } from '../db/database';
import { typedDb, type TypedDb } from '../db/typed-query';
import type { PlayReceipt, SignedPlayReceipt } from '../../../shared/receipt';
import { playReceiptSchema } from '../../../shared/receipt';
import type { WalletTables } from './tables';

/**
 * The outbox: signed play receipts kept byte for byte (canonical JSON and
 * signature) until the server has answered them. Written only by the charge
 * transaction; read and marked by the sync engine (through these methods, on the same Db:
 * called inside the sync's transaction, they are part of it).
 */
export class OutboxStore {
  private readonly db: TypedDb<WalletTables>;

  constructor(db: Db) {
    this.db = typedDb<WalletTables>(db);
  }

  /** Receipts without an answer, oldest first: what the sync engine sends (again). */
  unanswered(limit = 500): SignedPlayReceipt[] {
    return this.oldestUnanswered(limit, null);
  }

  /**
   * Unanswered receipts, oldest first, as stored (the canonical JSON parsed back is the
   * signed receipt); with `nowMs`, not those deferred past it (`deferUntil`).
   */
  private oldestUnanswered(limit: number, nowMs: number | null): SignedPlayReceipt[] {
    const { q } = this.db;
    const rows = this.db.all(
      q
        .selectFrom('outbox')
        .select(['canonical_json as json', 'signature'])
        .where('answered_at', 'is', null)
        .$if(nowMs !== null, (qb) =>
          qb.where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', nowMs)])),
        )
        .orderBy('created_at')
        .orderBy('device_id')
        .orderBy('seq')
        .limit(limit),
    );
    return rows.map((r) => ({
      receipt: playReceiptSchema.parse(JSON.parse(r.json)) as PlayReceipt,
      signature: r.signature,
    }));
  }

  countUnanswered(): number {
    const { q } = this.db;
    const row = this.db.get(
      q
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('answered_at', 'is', null),
    );
    return row?.n ?? 0;
  }

  get(id: string): { signed: SignedPlayReceipt; canonicalJson: string; deviceId: string } | null {
    const { q } = this.db;
    const row = this.db.get(
      q
        .selectFrom('outbox')
        .select(['canonical_json as json', 'signature', 'device_id as deviceId'])
        .where('id', '=', id),
    );
    if (!row) return null;
    return {
      signed: {
        receipt: playReceiptSchema.parse(JSON.parse(row.json)) as PlayReceipt,
        signature: row.signature,
      },
      canonicalJson: row.json,
      deviceId: row.deviceId,
    };
  }

  markSent(ids: readonly string[], atMs: number): void {
    const { q } = this.db;
    this.db.raw.transaction(() => {
      for (const id of ids)
        this.db.run(q.updateTable('outbox').set({ last_sent_at: atMs }).where('id', '=', id));
    })();
  }

  /**
   * Records the server's answer; the first answer stays (a resend gets the same one anyway).
   * True when this was the receipt's first answer, false when it was answered before (or is unknown).
   */
  markAnswered(id: string, answer: unknown, atMs: number): boolean {
    const { q } = this.db;
    const info = this.db.run(
      q
        .updateTable('outbox')
        .set({ answered_at: atMs, answer: JSON.stringify(answer) })
        .where('id', '=', id)
        .where('answered_at', 'is', null),
    );
    return info.changes === 1;
  }

  /**
   * Counts a "not now" answer to a receipt still unanswered (its reason kept, at most 100
   * characters): the attempts so far, or null when the receipt is answered already (or unknown).
   */
  countRetry(id: string, reason: string): number | null {
    const { q } = this.db;
    const row = this.db.get(
      q
        .updateTable('outbox')
        .set((eb) => ({ attempts: eb('attempts', '+', 1), last_reason: reason.slice(0, 100) }))
        .where('id', '=', id)
        .where('answered_at', 'is', null)
        .returning('attempts'),
    );
    return row?.attempts ?? null;
  }

  /** The receipt is not sent again before `atMs` (see `due`). */
  deferUntil(id: string, atMs: number): void {
    const { q } = this.db;
    this.db.run(q.updateTable('outbox').set({ next_attempt_at: atMs }).where('id', '=', id));
  }

  /**
   * The next batch to send, oldest first, as stored: unanswered receipts, except those
   * deferred past `nowMs` (`deferUntil`). The canonical JSON parsed back is the signed receipt.
   */
  due(limit: number, nowMs: number): SignedPlayReceipt[] {
    return this.oldestUnanswered(limit, nowMs);
  }

  /** Device ids that signed receipts still waiting for an answer. */
  devicesWithUnanswered(): string[] {
    const { q } = this.db;
    return this.db
      .all(q.selectFrom('outbox').select('device_id').distinct().where('answered_at', 'is', null))
      .map((r) => r.device_id);
  }

  /**
   * The server has seen receipts up to `lastSeq` from this device: the next
   * receipt takes a higher seq. A restored backup (its next_seq from the past)
   * thereby never reuses a number the server has seen. Never lowers it.
   */
  raiseNextSeq(deviceId: string, lastSeq: number): boolean {
    if (!Number.isSafeInteger(lastSeq) || lastSeq < 0)
      throw new RangeError(`lastSeq must be a whole number ≥ 0, got ${lastSeq}`);
    const { q } = this.db;
    const raised = this.db.run(
      q
        .updateTable('devices')
        .set({ next_seq: lastSeq + 1 })
        .where('id', '=', deviceId)
        .where('next_seq', '<=', lastSeq),
    );
    return raised.changes === 1;
  }

  /** The public key of the device that signed a receipt, for checks and support. */
  devicePublicKey(deviceId: string): string | null {
    const { q } = this.db;
    const row = this.db.get(q.selectFrom('devices').select('public_key as k').where('id', '=', deviceId));
    return row?.k ?? null;
  }
}
