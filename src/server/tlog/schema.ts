import type { Generated, Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema';

/**
 * The transparency log's tables (migration 0008_transparency_log), added to
 * the store's Kysely type with `withTables` where the log reads or writes.
 * Binary columns are BLOB (SQLite) / BYTEA (PostgreSQL).
 */
// A type alias, not an interface: Kysely's withTables needs an index-compatible record.
export type TlogTables = {
  /** One row (id 1): the tree size, incremented under a row lock by each appending transaction (the sequencer). */
  tlog_state: { id: number; size: number };
  /** Append-only. */
  tlog_leaves: {
    idx: number;
    leaf_hash: Uint8Array;
    /** The leaf's canonical bytes (RFC 8785 JSON). */
    leaf: string;
    /** The play's receipt id (not part of the leaf): finds a play's leaf; unique. */
    receipt_id: string | null;
    created_at: number;
  };
  /** Leaves committed with their settlement, not yet given an index by the sequencer (deferred sequencing). */
  tlog_pending: {
    id: Generated<number>;
    leaf_hash: Uint8Array;
    leaf: string;
    receipt_id: string | null;
    created_at: number;
  };
  /** Complete hash tiles (256 hashes, 8192 bytes) per C2SP tlog-tiles, persisted as they fill. */
  tlog_tiles: { level: number; idx: number; hashes: Uint8Array };
  /** One signed checkpoint per tree size. */
  tlog_checkpoints: { size: number; root: Uint8Array; note: string; created_at: number };
  tlog_cosignatures: { size: number; vkey: string; line: string; time: number; created_at: number };
};

export type TlogDb = Kysely<Database & TlogTables>;
export type TlogTx = Transaction<Database & TlogTables>;

export const withTlog = (db: Kysely<Database>): TlogDb => db.withTables<TlogTables>();
export const withTlogTx = (tx: Transaction<Database>): TlogTx => tx.withTables<TlogTables>();
