import { sql } from 'kysely';
import { assert } from '../../shared/assert';
import { toInt, type Tx } from '../db/transaction';

/**
 * The transparency log's leaf writes on PostgreSQL, in the settling
 * transaction (append.ts decides which). Every settled batch passes through
 * here, so the leaves travel as three parameters, not three arrays:
 * node-postgres escapes every element of a text[] (a leaf is JSON, full of
 * quotes) and sends a bytea[] as hex text, while one joined text and one
 * Buffer (sent binary) cost a join and a copy. The database splits them
 * again, in the leaves' order.
 */
export interface LeafRow {
  hash: Buffer;
  leaf: string;
  receiptId: string | null;
}

/**
 * Newline and comma cannot occur inside the parts: a leaf is canonical JSON
 * (control characters escaped), a receipt id a UUID (the receipt schema).
 */
function joinedParts(leaves: LeafRow[]) {
  // Checked per part (no split: this runs for every settled batch).
  assert(
    leaves.every((l) => !l.leaf.includes('\n') && !l.receiptId?.includes(',')),
    'no leaf or receipt id contains its separator',
  );
  const texts = leaves.map((l) => l.leaf).join('\n');
  const receipts = leaves.map((l) => l.receiptId ?? '').join(',');
  const hashes = Buffer.concat(leaves.map((l) => l.hash));
  // n: the leaf's 1-based position; h: its hash, the n-th 32 bytes.
  return {
    rows: sql`unnest(string_to_array(${texts}::text, E'\n'), string_to_array(${receipts}::text, ',')) WITH ORDINALITY AS u(l, r, n)`,
    hash: sql`substring(${hashes}::bytea FROM 32 * (n - 1)::int + 1 FOR 32)`,
  };
}

/** Deferred sequencing: the leaves queued in order (the sequencer numbers them in id order, log.ts). */
export async function insertPendingPostgres(tx: Tx, leaves: LeafRow[], now: number): Promise<void> {
  const { rows, hash } = joinedParts(leaves);
  await sql`INSERT INTO tlog_pending (leaf_hash, leaf, receipt_id, created_at)
    SELECT ${hash}, l, NULLIF(r, ''), ${now}::bigint FROM ${rows} ORDER BY n`.execute(tx);
}

/**
 * Inline sequencing: ONE statement advances the sequencer row (locked from
 * here until commit: indexes follow commit order, densely) and writes the
 * leaves at the indexes it freed, so the lock is held for one round trip and
 * the commit. Answers the first index.
 */
export async function appendInlinePostgres(tx: Tx, leaves: LeafRow[], now: number): Promise<number> {
  const { rows, hash } = joinedParts(leaves);
  const count = leaves.length;
  const { rows: answer } = await sql<{ size: string | number; written: string | number }>`
    WITH advanced AS (UPDATE tlog_state SET size = size + ${count}::bigint WHERE id = 1 RETURNING size),
    written AS (
      INSERT INTO tlog_leaves (idx, leaf_hash, leaf, receipt_id, created_at)
      SELECT a.size - ${count}::bigint + n - 1, ${hash}, l, NULLIF(r, ''), ${now}::bigint FROM advanced a, ${rows}
      RETURNING idx)
    SELECT (SELECT size FROM advanced) AS size, (SELECT COUNT(*) FROM written) AS written`.execute(tx);
  const end = toInt(answer[0]!.size);
  assert(toInt(answer[0]!.written) === count, 'the inline sequencer writes every leaf it numbers');
  assert(end - count >= 0, 'the sequencer never goes below zero');
  return end - count;
}
