import type { StoreKind } from '../db/store-kind';

/**
 * Migration 0012_tlog_pending_receipt_index (PostgreSQL): drops the unique
 * index on `tlog_pending.receipt_id`. Every settled play wrote its pending
 * leaf into that index and the sequencer removed it again moments later; the
 * rule it kept (one leaf per receipt) is kept where it matters, by
 * `tlog_leaves_receipt` when the sequencer numbers the leaf, and before that
 * by `plays.receipt_id` (a leaf is written only with its play, in the same
 * transaction). A duplicate would stop the sequencer loudly, never enter the
 * log. SQLite numbers leaves in the settling transaction and never uses
 * tlog_pending; nothing changes there.
 */
export function tlogPendingReceiptIndexStatements(kind: StoreKind): string[] {
  if (kind !== 'postgres') return [];
  return [`ALTER TABLE tlog_pending DROP CONSTRAINT IF EXISTS tlog_pending_receipt_id_key`];
}
