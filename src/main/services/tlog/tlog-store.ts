import type { Db } from '../db/database';
import type { TlogFailure, TlogFailureKind, TlogPlay } from '../../../shared/contract/tlog';

/** A settled play of this device, as the outbox keeps it: the receipt's bytes and the server's answer. */
export interface SettledPlay {
  receiptId: string;
  trackId: string;
  canonicalJson: string;
  answer: { outcome: string; freeReason: string | null; playIndex: number | null; priceThousandths: number };
  answeredAtMs: number;
}

export interface KeptCheckpoint {
  origin: string;
  size: number;
  rootHex: string;
  note: string;
  verifiedAtMs: number;
}

export interface TlogConfig {
  logVkey: string | null;
  witnesses: string[];
  requiredWitnesses: number;
}

export interface NewFailure {
  kind: TlogFailureKind;
  message: string;
  receiptId?: string | null;
  leafIndex?: number | null;
  keptNote?: string | null;
  offeredNote?: string | null;
  details?: Record<string, unknown>;
}

/** The public log check's rows (migrations.ts). Every write is one statement or one transaction. */
export class TlogStore {
  constructor(private readonly db: Db) {}

  config(): TlogConfig {
    const row = this.db
      .prepare(
        'SELECT log_vkey AS v, witnesses_json AS w, required_witnesses AS n FROM tlog_config WHERE id = 1',
      )
      .get() as { v: string | null; w: string; n: number };
    return { logVkey: row.v, witnesses: JSON.parse(row.w) as string[], requiredWitnesses: row.n };
  }

  setConfig(config: TlogConfig): void {
    this.db
      .prepare('UPDATE tlog_config SET log_vkey = ?, witnesses_json = ?, required_witnesses = ? WHERE id = 1')
      .run(config.logVkey, JSON.stringify(config.witnesses), config.requiredWitnesses);
  }

  pin(serverKey: string): { vkey: string; pinnedAtMs: number } | null {
    const row = this.db
      .prepare('SELECT vkey, pinned_at AS at FROM tlog_pins WHERE server_key = ?')
      .get(serverKey) as { vkey: string; at: number } | undefined;
    return row ? { vkey: row.vkey, pinnedAtMs: row.at } : null;
  }

  /** Pins a key once; a later call never replaces it. */
  setPin(serverKey: string, vkey: string, atMs: number): void {
    this.db
      .prepare('INSERT INTO tlog_pins (server_key, vkey, pinned_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING')
      .run(serverKey, vkey, atMs);
  }

  latest(serverKey: string): KeptCheckpoint | null {
    const row = this.db
      .prepare(
        'SELECT origin, size, root_hex AS rootHex, note, verified_at AS verifiedAtMs FROM tlog_checkpoints WHERE server_key = ?',
      )
      .get(serverKey) as KeptCheckpoint | undefined;
    return row ?? null;
  }

  setLatest(serverKey: string, c: KeptCheckpoint): void {
    this.db
      .prepare(
        `INSERT INTO tlog_checkpoints (server_key, origin, size, root_hex, note, verified_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (server_key) DO UPDATE SET origin = excluded.origin, size = excluded.size,
           root_hex = excluded.root_hex, note = excluded.note, verified_at = excluded.verified_at`,
      )
      .run(serverKey, c.origin, c.size, c.rootHex, c.note, c.verifiedAtMs);
  }

  private static readonly SETTLED = `FROM outbox o
      JOIN sync_devices d ON d.device_id = o.device_id AND d.server_key = @serverKey
      WHERE o.answered_at IS NOT NULL AND json_extract(o.answer, '$.status') = 'settled'`;

  /** Settled plays of this install's devices on this server that the log check has not decided yet, oldest first. */
  unchecked(serverKey: string, limit: number): SettledPlay[] {
    const rows = this.db
      .prepare(
        `SELECT o.id, o.canonical_json AS json, o.answer, o.answered_at AS at ${TlogStore.SETTLED}
           AND NOT EXISTS (SELECT 1 FROM tlog_plays p WHERE p.receipt_id = o.id AND p.server_key = @serverKey)
         ORDER BY o.answered_at, o.id LIMIT @limit`,
      )
      .all({ serverKey, limit }) as { id: string; json: string; answer: string; at: number }[];
    return rows.map((r) => {
      const answer = JSON.parse(r.answer) as SettledPlay['answer'];
      const receipt = JSON.parse(r.json) as { trackId: string };
      return { receiptId: r.id, trackId: receipt.trackId, canonicalJson: r.json, answer, answeredAtMs: r.at };
    });
  }

  counts(serverKey: string): { inLog: number; pending: number } {
    const row = this.db
      .prepare(
        `SELECT COUNT(*) AS settled,
           COALESCE(SUM(EXISTS (SELECT 1 FROM tlog_plays p WHERE p.receipt_id = o.id AND p.server_key = @serverKey AND p.state = 'in_log')), 0) AS inLog,
           COALESCE(SUM(EXISTS (SELECT 1 FROM tlog_plays p WHERE p.receipt_id = o.id AND p.server_key = @serverKey)), 0) AS decided
         ${TlogStore.SETTLED}`,
      )
      .get({ serverKey }) as { settled: number; inLog: number; decided: number };
    return { inLog: row.inLog, pending: row.settled - row.decided };
  }

  markPlay(
    serverKey: string,
    receiptId: string,
    state: 'in_log' | 'failed' | 'predates_log',
    leafIndex: number | null,
    checkpointSize: number | null,
    atMs: number,
  ): void {
    this.db
      .prepare(
        `INSERT INTO tlog_plays (receipt_id, server_key, state, leaf_index, checkpoint_size, checked_at)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      )
      .run(receiptId, serverKey, state, leafIndex, checkpointSize, atMs);
  }

  plays(serverKey: string, receiptIds: readonly string[]): TlogPlay[] {
    const get = this.db.prepare(
      'SELECT state, leaf_index AS leafIndex, checkpoint_size AS size FROM tlog_plays WHERE receipt_id = ? AND server_key = ?',
    );
    return receiptIds.map((receiptId) => {
      const row = get.get(receiptId, serverKey) as
        { state: TlogPlay['state']; leafIndex: number | null; size: number | null } | undefined;
      return row
        ? { receiptId, state: row.state, leafIndex: row.leafIndex, checkpointSize: row.size }
        : { receiptId, state: 'pending', leafIndex: null, checkpointSize: null };
    });
  }

  addFailure(serverKey: string, f: NewFailure, atMs: number): void {
    this.db
      .prepare(
        `INSERT INTO tlog_failures (server_key, kind, message, receipt_id, leaf_index, kept_note, offered_note, details_json, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        serverKey,
        f.kind,
        f.message,
        f.receiptId ?? null,
        f.leafIndex ?? null,
        f.keptNote ?? null,
        f.offeredNote ?? null,
        JSON.stringify(f.details ?? {}),
        atMs,
      );
  }

  failures(serverKey: string, limit = 50): TlogFailure[] {
    return this.db
      .prepare(
        `SELECT id, kind, message, created_at AS atMs, receipt_id AS receiptId, leaf_index AS leafIndex
         FROM tlog_failures WHERE server_key = ? ORDER BY id DESC LIMIT ?`,
      )
      .all(serverKey, limit) as TlogFailure[];
  }

  /** Everything kept as evidence, every server, oldest first. */
  evidence(): Array<Record<string, unknown>> {
    const rows = this.db
      .prepare(
        `SELECT f.id, f.server_key AS serverKey, f.kind, f.message, f.receipt_id AS receiptId, f.leaf_index AS leafIndex,
           f.kept_note AS keptCheckpoint, f.offered_note AS offeredCheckpoint, f.details_json AS details,
           f.created_at AS atMs, p.vkey AS logKey
         FROM tlog_failures f LEFT JOIN tlog_pins p ON p.server_key = f.server_key ORDER BY f.id`,
      )
      .all() as Array<Record<string, unknown> & { details: string }>;
    return rows.map((r) => ({ ...r, details: JSON.parse(r.details) as unknown }));
  }
}
