import type { Db } from '../db/database';
import type { PlayReceipt, SignedPlayReceipt } from '../../../shared/receipt';
import { playReceiptSchema } from '../../../shared/receipt';

/**
 * The outbox: signed play receipts kept byte for byte (canonical JSON and
 * signature) until the server has answered them. Written only by the charge
 * transaction; read and marked by the sync engine.
 */
export class OutboxStore {
  constructor(private readonly db: Db) {}

  /** Receipts without an answer, oldest first: what the sync engine sends (again). */
  unanswered(limit = 500): SignedPlayReceipt[] {
    const rows = this.db
      .prepare(
        'SELECT canonical_json AS json, signature FROM outbox WHERE answered_at IS NULL ORDER BY created_at, device_id, seq LIMIT ?',
      )
      .all(limit) as { json: string; signature: string }[];
    return rows.map((r) => ({
      receipt: playReceiptSchema.parse(JSON.parse(r.json)) as PlayReceipt,
      signature: r.signature,
    }));
  }

  countUnanswered(): number {
    return (
      this.db.prepare('SELECT COUNT(*) AS n FROM outbox WHERE answered_at IS NULL').get() as { n: number }
    ).n;
  }

  get(id: string): { signed: SignedPlayReceipt; canonicalJson: string; deviceId: string } | null {
    const row = this.db
      .prepare('SELECT canonical_json AS json, signature, device_id AS deviceId FROM outbox WHERE id = ?')
      .get(id) as { json: string; signature: string; deviceId: string } | undefined;
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
    const statement = this.db.prepare('UPDATE outbox SET last_sent_at = ? WHERE id = ?');
    this.db.transaction(() => {
      for (const id of ids) statement.run(atMs, id);
    })();
  }

  /** Records the server's answer; the first answer stays (a resend gets the same one anyway). */
  markAnswered(id: string, answer: unknown, atMs: number): void {
    this.db
      .prepare('UPDATE outbox SET answered_at = ?, answer = ? WHERE id = ? AND answered_at IS NULL')
      .run(atMs, JSON.stringify(answer), id);
  }

  /**
   * The server has seen receipts up to `lastSeq` from this device: the next
   * receipt takes a higher seq. A restored backup (its next_seq from the past)
   * thereby never reuses a number the server has seen. Never lowers it.
   */
  raiseNextSeq(deviceId: string, lastSeq: number): boolean {
    if (!Number.isSafeInteger(lastSeq) || lastSeq < 0)
      throw new RangeError(`lastSeq must be a whole number ≥ 0, got ${lastSeq}`);
    return (
      this.db
        .prepare('UPDATE devices SET next_seq = ? WHERE id = ? AND next_seq <= ?')
        .run(lastSeq + 1, deviceId, lastSeq).changes === 1
    );
  }

  /** The public key of the device that signed a receipt, for checks and support. */
  devicePublicKey(deviceId: string): string | null {
    const row = this.db.prepare('SELECT public_key AS k FROM devices WHERE id = ?').get(deviceId) as
      { k: string } | undefined;
    return row?.k ?? null;
  }
}
