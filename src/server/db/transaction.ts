import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema';
import type { Store } from './connect';

export type Tx = Transaction<Database>;
export type Db = Kysely<Database>;

/**
 * Errors on which a whole transaction is simply tried again: PostgreSQL's
 * serialization failure and deadlock, SQLite's busy/locked (another process,
 * e.g. the import command, held the write lock), and our own RetryableConflict.
 */
function isRetryable(error: unknown): boolean {
  if (error instanceof RetryableConflict) return true;
  const code = (error as { code?: unknown })?.code;
  return (
    code === '40001' ||
    code === '40P01' ||
    code === 'SQLITE_BUSY' ||
    code === 'SQLITE_BUSY_SNAPSHOT' ||
    code === 'SQLITE_LOCKED'
  );
}

/** Thrown inside a transaction when a concurrent writer got there first; the transaction is retried. */
export class RetryableConflict extends Error {}

/**
 * Runs `work` in one transaction, retrying the whole of it on transient
 * conflicts. `work` must therefore have no effects outside the database.
 */
export async function inTransaction<T>(store: Store, work: (tx: Tx) => Promise<T>, attempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    let opened: Tx | null = null;
    try {
      const result = await store.db.transaction().execute((tx) => {
        opened = tx;
        return work(tx);
      });
      runCommitHooks(opened);
      return result;
    } catch (error) {
      // A rolled-back attempt's hooks are dropped with it (the WeakMap lets them go).
      if (attempt >= attempts || !isRetryable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}

const commitHooks = new WeakMap<Tx, Array<() => void>>();

/**
 * Runs `hook` once the transaction `tx` has committed, never when it rolls
 * back. Only transactions opened by inTransaction run their hooks: a hook is
 * for what can be done again from the store anyway (the transparency log
 * takes committed leaf hashes from it instead of reading them back), never
 * for what must happen.
 */
export function afterCommit(tx: Tx, hook: () => void): void {
  const hooks = commitHooks.get(tx);
  if (hooks) hooks.push(hook);
  else commitHooks.set(tx, [hook]);
}

function runCommitHooks(tx: Tx | null): void {
  const hooks = tx && commitHooks.get(tx);
  if (!hooks) return;
  commitHooks.delete(tx);
  for (const hook of hooks) {
    try {
      hook();
    } catch {
      // Committed is committed: a failing hook must not turn it into an error (and a retry).
    }
  }
}

/**
 * Locks the listener's wallet row for the rest of the transaction: every
 * change to a listener's money and plays goes through this row, so it
 * serialises them across server instances (SELECT … FOR UPDATE on
 * PostgreSQL; on SQLite the single writer already serialises everything).
 */
export async function lockWallet(store: Store, tx: Tx, userId: string) {
  let query = tx.selectFrom('wallets').selectAll().where('user_id', '=', userId);
  if (store.kind === 'postgres') query = query.forUpdate();
  const wallet = await query.executeTakeFirst();
  if (!wallet) throw new Error(`no wallet for user ${userId}`);
  return wallet;
}

/** Integers come back from SUM/COUNT as number, string or bigint depending on the store. */
export function toInt(value: unknown): number {
  if (value === null || value === undefined) return 0;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`not a safe integer: ${String(value)}`);
  return n;
}
