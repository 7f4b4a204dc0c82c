import type { Generated } from 'kysely';
import type { TlogFailureKind } from '../../../shared/contract/tlog';

/**
 * The public log check's tables in the local cache, as src/main/services/tlog/migrations.ts
 * creates them (SQLite storage types: INTEGER → number, TEXT → string, nullable → `| null`; a TEXT
 * column that only ever holds a few words, by a CHECK or because its one writer takes only
 * those, is typed as their union). Kysely types every query of this domain from these.
 *
 * `Generated<T>`: a column with a default (or the rowid), optional on insert, `T` when read.
 */

/** One row (id = 1): what to trust. A null log key: pin the server's on first contact. */
export interface TlogConfigTable {
  id: number;
  log_vkey: string | null;
  witnesses_json: Generated<string>;
  required_witnesses: Generated<number>;
}

/** The log key of each server, learned on first contact and kept. */
export interface TlogPinsTable {
  server_key: string;
  vkey: string;
  pinned_at: number;
}

/** The latest checkpoint verified per server. */
export interface TlogCheckpointsTable {
  server_key: string;
  origin: string;
  size: number;
  root_hex: string;
  note: string;
  verified_at: number;
}

/** What the log said about each settled play of this device. */
export interface TlogPlaysTable {
  receipt_id: string;
  server_key: string;
  /** CHECK (state IN ('in_log', 'failed', 'predates_log')). */
  state: 'in_log' | 'failed' | 'predates_log';
  leaf_index: number | null;
  checkpoint_size: number | null;
  checked_at: number;
}

/** Every failed check, with the evidence (the kept and the offered checkpoint notes). */
export interface TlogFailuresTable {
  /** INTEGER PRIMARY KEY: the rowid, given on insert. */
  id: Generated<number>;
  server_key: string;
  /** No CHECK in the table; written only by TlogStore.addFailure, which takes a TlogFailureKind. */
  kind: TlogFailureKind;
  message: string;
  receipt_id: string | null;
  leaf_index: number | null;
  kept_note: string | null;
  offered_note: string | null;
  details_json: Generated<string>;
  created_at: number;
}

export interface TlogTables {
  tlog_config: TlogConfigTable;
  tlog_pins: TlogPinsTable;
  tlog_checkpoints: TlogCheckpointsTable;
  tlog_plays: TlogPlaysTable;
  tlog_failures: TlogFailuresTable;
}
