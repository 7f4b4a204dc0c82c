import { sql } from 'kysely';
import type { ServerContext } from '../context';
import { inTransaction } from '../db/transaction';
import { sha256Hex } from './sessions';
import { normaliseEmail } from './users';

/**
 * Per-account sign-in back-off, on top of the per-address rate limit: an
 * attacker with many addresses still gets few guesses at one account.
 *
 * Every attempt counts as a failure until its password is proven right (so
 * a burst of parallel guesses cannot all slip in before the first one
 * fails); a success deletes the count. From the FREE_FAILURES-th failure on,
 * the account is locked for a delay that doubles from BASE_DELAY_MS up to
 * MAX_DELAY_MS, so an attacker never locks the owner out for longer than
 * that; while locked, every attempt (right password or not) is answered 429
 * with Retry-After, and is not counted. Counts older than FAILURE_MEMORY_MS
 * are forgotten.
 *
 * Keyed by the SHA-256 of the normalised e-mail whether or not an account
 * has it, so the back-off itself tells nobody which e-mails are known. The
 * row is in the database (row-locked on PostgreSQL, the single writer on
 * SQLite), so every instance shares it.
 */
export const FREE_FAILURES = 5;
export const BASE_DELAY_MS = 1_000;
export const MAX_DELAY_MS = 15 * 60_000;
export const FAILURE_MEMORY_MS = 24 * 3_600_000;

/** How long the account is locked after its `failures`-th failure in a row. */
export function lockDelayMs(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  const delay = BASE_DELAY_MS * 2 ** Math.min(failures - FREE_FAILURES, 30);
  return Math.min(delay, MAX_DELAY_MS);
}

export type AttemptVerdict = { allowed: true } | { allowed: false; retryAfterMs: number };

const accountKey = (email: string) => sha256Hex(`sign-in:${normaliseEmail(email)}`);

/** Counts an attempt (as a failure, until `signInSucceeded`), or refuses it while the account is locked. */
export async function beginSignInAttempt(ctx: ServerContext, email: string): Promise<AttemptVerdict> {
  const key = accountKey(email);
  const verdict = await inTransaction(ctx.store, async (tx): Promise<AttemptVerdict> => {
    await tx
      .insertInto('sign_in_failures')
      .values({ account_key: key, failures: 0, locked_until: 0, last_failure_at: 0 })
      .onConflict((oc) => oc.doNothing())
      .execute();
    let query = tx.selectFrom('sign_in_failures').selectAll().where('account_key', '=', key);
    if (ctx.store.kind === 'postgres') query = query.forUpdate();
    const row = await query.executeTakeFirstOrThrow();
    const now = ctx.clock.nowMs();
    if (row.locked_until > now) return { allowed: false, retryAfterMs: row.locked_until - now };
    const failures = now - row.last_failure_at > FAILURE_MEMORY_MS ? 1 : row.failures + 1;
    const delay = lockDelayMs(failures);
    await tx
      .updateTable('sign_in_failures')
      .set({ failures, locked_until: delay ? now + delay : 0, last_failure_at: now })
      .where('account_key', '=', key)
      .execute();
    return { allowed: true };
  });
  // Housekeeping on about one call in a hundred; its failure locks nobody out.
  if (Math.random() < 0.01) {
    const before = ctx.clock.nowMs() - FAILURE_MEMORY_MS - MAX_DELAY_MS;
    await sql`DELETE FROM sign_in_failures WHERE last_failure_at < ${before}`
      .execute(ctx.store.db)
      .catch(() => {});
  }
  return verdict;
}

/** The right password: the account's count starts over. */
export async function signInSucceeded(ctx: ServerContext, email: string): Promise<void> {
  await ctx.store.db.deleteFrom('sign_in_failures').where('account_key', '=', accountKey(email)).execute();
}
