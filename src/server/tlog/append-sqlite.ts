import type BetterSqlite3 from 'better-sqlite3';
import { assert } from '../../shared/assert';
import type { Store } from '../db/connect';
import { toInt, type Tx } from '../db/transaction';
import type { LeafRow } from './append-postgres';
import { withTlogTx } from './schema';

/**
 * The transparency log's leaf writes on SQLite, in the settling transaction
 * (append.ts decides which). Every settled batch passes through here, so on
 * a store openStore made the statements are prepared once per connection and
 * run on the transaction's own connection (that is what puts them inside the
 * transaction: asserted), without Kysely building a query, or one parameter
 * per column per row, each time. Any other SQLite store: plain Kysely.
 */
interface Prepared {
  advance: BetterSqlite3.Statement<[number], { size: number | bigint }>;
  leaf: BetterSqlite3.Statement;
  pending: BetterSqlite3.Statement;
}
const prepared = new WeakMap<BetterSqlite3.Database, Prepared>();

function statementsOf(store: Store): Prepared | null {
  const file = store.sqlite;
  if (!file) return null;
  assert(file.inTransaction, 'leaves are written inside the settling transaction');
  let statements = prepared.get(file);
  if (!statements) {
    statements = {
      advance: file.prepare('UPDATE tlog_state SET size = size + ? WHERE id = 1 RETURNING size'),
      leaf: file.prepare(
        'INSERT INTO tlog_leaves (idx, leaf_hash, leaf, receipt_id, created_at) VALUES (?, ?, ?, ?, ?)',
      ),
      pending: file.prepare(
        'INSERT INTO tlog_pending (leaf_hash, leaf, receipt_id, created_at) VALUES (?, ?, ?, ?)',
      ),
    };
    prepared.set(file, statements);
  }
  return statements;
}

/**
 * Inline sequencing: advances the sequencer row (SQLite's single writer holds
 * it until commit: indexes follow commit order, densely; a rollback undoes the
 * increment) and writes the leaves at the indexes it freed. Answers the first index.
 */
export async function appendInlineSqlite(
  store: Store,
  tx: Tx,
  leaves: LeafRow[],
  now: number,
): Promise<number> {
  const statements = statementsOf(store);
  const end = statements
    ? toInt(statements.advance.get(leaves.length)!.size)
    : toInt(
        (
          await withTlogTx(tx)
            .updateTable('tlog_state')
            .set((eb) => ({ size: eb('size', '+', leaves.length) }))
            .where('id', '=', 1)
            .returning('size')
            .executeTakeFirstOrThrow()
        ).size,
      );
  const start = end - leaves.length;
  assert(start >= 0, 'the sequencer never goes below zero');
  if (statements)
    for (const [i, l] of leaves.entries()) statements.leaf.run(start + i, l.hash, l.leaf, l.receiptId, now);
  else await insertRows(tx, 'tlog_leaves', leaves, now, start);
  return start;
}

/** Deferred sequencing on SQLite (tests of the PostgreSQL path's logic): the leaves queued in order. */
export async function insertPendingSqlite(
  store: Store,
  tx: Tx,
  leaves: LeafRow[],
  now: number,
): Promise<void> {
  const statements = statementsOf(store);
  if (statements) for (const l of leaves) statements.pending.run(l.hash, l.leaf, l.receiptId, now);
  else await insertRows(tx, 'tlog_pending', leaves, now, null);
}

async function insertRows(
  tx: Tx,
  table: 'tlog_leaves' | 'tlog_pending',
  leaves: LeafRow[],
  now: number,
  start: number | null,
): Promise<void> {
  const rows = leaves.map((l, i) => ({
    ...(start === null ? {} : { idx: start + i }),
    leaf_hash: l.hash,
    leaf: l.leaf,
    receipt_id: l.receiptId,
    created_at: now,
  }));
  for (let i = 0; i < rows.length; i += 500)
    await withTlogTx(tx)
      .insertInto(table)
      .values(rows.slice(i, i + 500) as Array<(typeof rows)[number] & { idx: number }>)
      .execute();
}
