import { sql, type ExpressionBuilder, type NotNull } from 'kysely';
import type { TlogFailure, TlogFailureKind, TlogPlay } from '../../../shared/contract/tlog';
import { assert } from '../../../shared/assert';
import type { Db } from '../db/database';
import { typedDb, type TypedDb } from '../db/typed-query';
import type { SyncTables } from '../sync/tables';
import type { OutboxTable, WalletTables } from '../wallet/tables';
import type { TlogTables } from './tables';

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

/**
 * The log check's own tables, and two it only reads: the outbox (the wallet's: the settled
 * receipts and the server's answers) and the sync devices (sync's: which devices are this install's).
 */
type Tables = TlogTables & Pick<WalletTables, 'outbox'> & Pick<SyncTables, 'sync_devices'>;

/** Inside a query over outbox rows `o`: whether the log check has decided o's play (in the given state, if one is named). */
function decided(
  eb: ExpressionBuilder<Tables & { o: OutboxTable }, 'o'>,
  serverKey: string,
  state?: 'in_log',
) {
  return eb.exists(
    eb
      .selectFrom('tlog_plays as p')
      .select(sql.lit(1).as('one'))
      .whereRef('p.receipt_id', '=', 'o.id')
      .where('p.server_key', '=', serverKey)
      .$if(state !== undefined, (qb) => qb.where('p.state', '=', state!)),
  );
}

/** The public log check's rows (migrations.ts). Every write is one statement or one transaction. */
export class TlogStore {
  private readonly db: TypedDb<Tables>;

  constructor(db: Db) {
    this.db = typedDb<Tables>(db);
  }

  config(): TlogConfig {
    const { q } = this.db;
    const row = this.db.get(
      q
        .selectFrom('tlog_config')
        .select(['log_vkey', 'witnesses_json', 'required_witnesses'])
        .where('id', '=', 1),
    );
    assert(row, 'tlog_config has its one row (migration tlog-001)');
    return {
      logVkey: row.log_vkey,
      witnesses: JSON.parse(row.witnesses_json) as string[],
      requiredWitnesses: row.required_witnesses,
    };
  }

  setConfig(config: TlogConfig): void {
    const { q } = this.db;
    this.db.run(
      q
        .updateTable('tlog_config')
        .set({
          log_vkey: config.logVkey,
          witnesses_json: JSON.stringify(config.witnesses),
          required_witnesses: config.requiredWitnesses,
        })
        .where('id', '=', 1),
    );
  }

  pin(serverKey: string): { vkey: string; pinnedAtMs: number } | null {
    const { q } = this.db;
    const row = this.db.get(
      q.selectFrom('tlog_pins').select(['vkey', 'pinned_at']).where('server_key', '=', serverKey),
    );
    return row ? { vkey: row.vkey, pinnedAtMs: row.pinned_at } : null;
  }

  /** Pins a key once; a later call never replaces it. */
  setPin(serverKey: string, vkey: string, atMs: number): void {
    const { q } = this.db;
    this.db.run(
      q
        .insertInto('tlog_pins')
        .values({ server_key: serverKey, vkey, pinned_at: atMs })
        .onConflict((oc) => oc.doNothing()),
    );
  }

  latest(serverKey: string): KeptCheckpoint | null {
    const { q } = this.db;
    const row = this.db.get(
      q
        .selectFrom('tlog_checkpoints')
        .select(['origin', 'size', 'root_hex as rootHex', 'note', 'verified_at as verifiedAtMs'])
        .where('server_key', '=', serverKey),
    );
    return row ?? null;
  }

  setLatest(serverKey: string, c: KeptCheckpoint): void {
    const { q } = this.db;
    this.db.run(
      q
        .insertInto('tlog_checkpoints')
        .values({
          server_key: serverKey,
          origin: c.origin,
          size: c.size,
          root_hex: c.rootHex,
          note: c.note,
          verified_at: c.verifiedAtMs,
        })
        .onConflict((oc) =>
          oc.column('server_key').doUpdateSet((eb) => ({
            origin: eb.ref('excluded.origin'),
            size: eb.ref('excluded.size'),
            root_hex: eb.ref('excluded.root_hex'),
            note: eb.ref('excluded.note'),
            verified_at: eb.ref('excluded.verified_at'),
          })),
        ),
    );
  }

  /** Settled outbox rows of this install's devices on this server (`o`), for the two queries below. */
  private settled(serverKey: string) {
    return this.db.q
      .selectFrom('outbox as o')
      .innerJoin('sync_devices as d', (join) =>
        join.onRef('d.device_id', '=', 'o.device_id').on('d.server_key', '=', serverKey),
      )
      .where('o.answered_at', 'is not', null)
      .where(sql<string>`json_extract(o.answer, '$.status')`, '=', 'settled');
  }

  /** Settled plays of this install's devices on this server that the log check has not decided yet, oldest first. */
  unchecked(serverKey: string, limit: number): SettledPlay[] {
    const rows = this.db.all(
      this.settled(serverKey)
        .where((eb) => eb.not(decided(eb, serverKey)))
        .select(['o.id', 'o.canonical_json as json', 'o.answer', 'o.answered_at as at'])
        // Settled rows (the WHERE above): answered, with an answer.
        .$narrowType<{ answer: NotNull; at: NotNull }>()
        .orderBy('o.answered_at')
        .orderBy('o.id')
        .limit(limit),
    );
    return rows.map((r) => {
      const answer = JSON.parse(r.answer) as SettledPlay['answer'];
      const receipt = JSON.parse(r.json) as { trackId: string };
      return { receiptId: r.id, trackId: receipt.trackId, canonicalJson: r.json, answer, answeredAtMs: r.at };
    });
  }

  counts(serverKey: string): { inLog: number; pending: number } {
    const row = this.db.get(
      this.settled(serverKey).select((eb) => [
        eb.fn.countAll<number>().as('settled'),
        eb.fn.coalesce(eb.fn.sum<number>(decided(eb, serverKey, 'in_log')), sql.lit(0)).as('inLog'),
        eb.fn.coalesce(eb.fn.sum<number>(decided(eb, serverKey)), sql.lit(0)).as('decided'),
      ]),
    );
    assert(row, 'an aggregate query returns one row');
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
    const { q } = this.db;
    this.db.run(
      q
        .insertInto('tlog_plays')
        .values({
          receipt_id: receiptId,
          server_key: serverKey,
          state,
          leaf_index: leafIndex,
          checkpoint_size: checkpointSize,
          checked_at: atMs,
        })
        .onConflict((oc) => oc.doNothing()),
    );
  }

  plays(serverKey: string, receiptIds: readonly string[]): TlogPlay[] {
    const { q } = this.db;
    return receiptIds.map((receiptId) => {
      const row = this.db.get(
        q
          .selectFrom('tlog_plays')
          .select(['state', 'leaf_index', 'checkpoint_size'])
          .where('receipt_id', '=', receiptId)
          .where('server_key', '=', serverKey),
      );
      return row
        ? { receiptId, state: row.state, leafIndex: row.leaf_index, checkpointSize: row.checkpoint_size }
        : { receiptId, state: 'pending', leafIndex: null, checkpointSize: null };
    });
  }

  addFailure(serverKey: string, f: NewFailure, atMs: number): void {
    const { q } = this.db;
    this.db.run(
      q.insertInto('tlog_failures').values({
        server_key: serverKey,
        kind: f.kind,
        message: f.message,
        receipt_id: f.receiptId ?? null,
        leaf_index: f.leafIndex ?? null,
        kept_note: f.keptNote ?? null,
        offered_note: f.offeredNote ?? null,
        details_json: JSON.stringify(f.details ?? {}),
        created_at: atMs,
      }),
    );
  }

  failures(serverKey: string, limit = 50): TlogFailure[] {
    const { q } = this.db;
    return this.db.all(
      q
        .selectFrom('tlog_failures')
        .select([
          'id',
          'kind',
          'message',
          'created_at as atMs',
          'receipt_id as receiptId',
          'leaf_index as leafIndex',
        ])
        .where('server_key', '=', serverKey)
        .orderBy('id', 'desc')
        .limit(limit),
    );
  }

  /** Everything kept as evidence, every server, oldest first. */
  evidence(): Array<Record<string, unknown>> {
    const { q } = this.db;
    const rows = this.db.all(
      q
        .selectFrom('tlog_failures as f')
        .leftJoin('tlog_pins as p', 'p.server_key', 'f.server_key')
        .select([
          'f.id',
          'f.server_key as serverKey',
          'f.kind',
          'f.message',
          'f.receipt_id as receiptId',
          'f.leaf_index as leafIndex',
          'f.kept_note as keptCheckpoint',
          'f.offered_note as offeredCheckpoint',
          'f.details_json as details',
          'f.created_at as atMs',
          'p.vkey as logKey',
        ])
        .orderBy('f.id'),
    );
    return rows.map((r) => ({ ...r, details: JSON.parse(r.details) as unknown }));
  }
}
