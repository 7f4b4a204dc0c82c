import { assert } from '../../shared/assert';
import type { ServerContext } from '../context';
import { inTransaction, lockWallet, toInt, type Tx } from '../db/transaction';
import { ApiError, notFound } from '../http/errors';
import { credits } from '../../shared/server-api';
import { implement, type AnyRoute } from '../http/route';
import { sha256Hex } from '../accounts/sessions';
import { isUniqueViolation } from '../accounts/users';
import { appendTransfers, grantReversalPostings } from '../ledger/postings';
import { appendCreditLeaves, creditEventHash, findCreditLeaf } from '../tlog/event-index';

/**
 * Reversing a credit grant made in error (docs/server-api.md, docs/transparency-log.md §1.1):
 * the whole grant is taken back from the listener's wallet, once, by a balanced
 * transfer `reversal:<grant id>` (kind `grant_reversal`, the grant's postings negated) and
 * a `correction` leaf naming the grant's leaf, in one transaction. Only admin
 * grants can be reversed (a voucher is the listener's own redemption of a code
 * the co-op issued). A grant the listener has partly spent is refused (409
 * `grant_spent`, saying how much is spendable): a wallet never goes negative and
 * a reversal is never partial.
 */

/** The migration 0010_grant_reversals table (a type alias: withTables needs an index-compatible record). */
type ReversalTables = {
  grant_reversals: {
    grant_transfer_id: string;
    reversal_transfer_id: string;
    idempotency_key: string;
    content_hash: string;
    user_id: string;
    amount: number;
    reason: string;
    balance_after: number;
    corrects: number | null;
    created_by: string;
    created_at: number;
  };
};

export interface ReversalAnswer {
  reversalTransferId: string;
  grantTransferId: string;
  userId: string;
  reversedThousandths: number;
  balanceThousandths: number;
  /** The grant's leaf index, named by the correction leaf; null when the log is off. */
  corrects: number | null;
  duplicate: boolean;
}

export function reverseGrantRoute(ctx: ServerContext): AnyRoute {
  return implement(credits.reverseGrant, {
    handler: async ({ params, body, user }) =>
      reverseGrant(ctx, user.id, params.transferId, body.idempotencyKey, body.reason),
  });
}

/** Reverses a grant under an idempotency key: a resend answers the first reversal, a second reversal is a 409. */
export async function reverseGrant(
  ctx: ServerContext,
  adminId: string,
  grantId: string,
  key: string,
  reason: string,
): Promise<ReversalAnswer> {
  const contentHash = sha256Hex(JSON.stringify([grantId, reason]));
  const found = await earlierReversal(ctx.store.db, key, contentHash);
  if (found) return found;
  try {
    return await inTransaction(ctx.store, (tx) =>
      applyReversal(ctx, tx, { adminId, grantId, key, contentHash, reason }),
    );
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // A racing request committed first: with this key, answer it; with another key, the grant is reversed already.
    const raced = await earlierReversal(ctx.store.db, key, contentHash);
    if (raced) return raced;
    throw alreadyReversed();
  }
}

async function earlierReversal(
  db: Tx | ServerContext['store']['db'],
  key: string,
  contentHash: string,
): Promise<ReversalAnswer | null> {
  const row = await db
    .withTables<ReversalTables>()
    .selectFrom('grant_reversals')
    .selectAll()
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
  if (!row) return null;
  if (row.content_hash !== contentHash)
    throw new ApiError(
      409,
      'idempotency_conflict',
      'this idempotency key was used for a reversal of another grant or with another reason',
    );
  return {
    reversalTransferId: row.reversal_transfer_id,
    grantTransferId: row.grant_transfer_id,
    userId: row.user_id,
    reversedThousandths: toInt(row.amount),
    balanceThousandths: toInt(row.balance_after),
    corrects: row.corrects === null ? null : toInt(row.corrects),
    duplicate: true,
  };
}

const alreadyReversed = () => new ApiError(409, 'already_reversed', 'this grant was reversed already');

/** The grant to reverse: an admin grant (not a voucher, not a reversal) and what it credited, in thousandths. */
async function loadGrant(
  tx: Tx,
  grantId: string,
): Promise<{ userId: string; thousandths: number; time: number }> {
  const transfer = await tx
    .selectFrom('transfers')
    .select(['id', 'kind', 'user_id', 'created_at'])
    .where('id', '=', grantId)
    .executeTakeFirst();
  if (!transfer) throw notFound('transfer');
  if (transfer.kind !== 'grant' || !transfer.id.startsWith('grant:'))
    throw new ApiError(
      409,
      'not_a_grant',
      `only a credit grant can be reversed; ${grantId} is a ${transfer.kind === 'grant_reversal' ? 'reversal' : transfer.kind}`,
    );
  const entry = await tx
    .selectFrom('ledger_entries')
    .select('amount')
    .where('transfer_id', '=', grantId)
    .where('account_type', '=', 'listener')
    .executeTakeFirstOrThrow();
  const tenThousandths = toInt(entry.amount);
  assert(tenThousandths > 0 && tenThousandths % 10 === 0, `grant ${grantId} credited whole thousandths`);
  return { userId: transfer.user_id, thousandths: tenThousandths / 10, time: toInt(transfer.created_at) };
}

/**
 * The grant's leaf index (its `event` is H(transferId), §1.3), or null when the
 * log is off: one read of the credit-leaf index (tlog/event-index.ts), not a
 * search of the log. A grant with no leaf while the log is on is refused: the
 * start-up backfill gives every grant a leaf, so only one still waiting for the
 * sequencer (written by an instance on the previous version) can lack one, for a moment.
 */
async function grantLeafIndex(ctx: ServerContext, tx: Tx, grantId: string, thousandths: number) {
  if (!ctx.config.transparencyLog.enabled) return null;
  const found = await findCreditLeaf(tx, creditEventHash({ kind: 'grant', transferId: grantId }));
  if (found.found) {
    const { leaf } = found;
    assert(
      leaf.kind === 'grant' && leaf.credit === thousandths,
      `the leaf of grant ${grantId} is a ${leaf.kind} of ${leaf.credit}, not a grant of ${thousandths}`,
    );
    return found.index;
  }
  if (found.pending)
    throw new ApiError(
      503,
      'grant_leaf_pending',
      "the grant's log leaf is being sequenced; retry in a few seconds",
    );
  throw new ApiError(
    409,
    'grant_not_in_log',
    'this grant has no transparency-log leaf, so no correction can name it',
  );
}

/** What one reversal request asks: which grant, under which key, why, and by which admin. */
interface ReversalRequest {
  adminId: string;
  grantId: string;
  key: string;
  contentHash: string;
  reason: string;
}

type Grant = Awaited<ReturnType<typeof loadGrant>>;
type LockedWallet = Awaited<ReturnType<typeof lockWallet>>;

/**
 * The reversal in stages, inside one transaction: load the grant and lock its
 * wallet → check it can be reversed → find the grant's leaf → post the balanced
 * transfer and the new balance → record the reversal → the correction leaf (last).
 */
async function applyReversal(ctx: ServerContext, tx: Tx, request: ReversalRequest): Promise<ReversalAnswer> {
  const grant = await loadGrant(tx, request.grantId);
  const wallet = await lockWallet(ctx.store, tx, grant.userId);
  // Under the wallet lock: a racing request with this key may have committed while this one waited.
  const raced = await earlierReversal(tx, request.key, request.contentHash);
  if (raced) return raced;
  await assertReversible(tx, request.grantId, grant, wallet);
  const corrects = await grantLeafIndex(ctx, tx, request.grantId, grant.thousandths);
  const reversalId = `reversal:${request.grantId}`;
  const now = ctx.clock.nowMs();
  const balance = await postReversal(tx, { reversalId, grant, wallet, note: request.reason, now });
  await recordReversal(tx, request, { reversalId, grant, balance, corrects, now });
  // Last in the transaction: the correction's transparency-log leaf (docs/transparency-log.md §1.1).
  if (corrects !== null)
    await appendCreditLeaves(ctx, tx, [
      {
        kind: 'correction',
        userId: grant.userId,
        transferId: reversalId,
        time: now,
        taken: grant.thousandths,
        corrects,
      },
    ]);
  return {
    reversalTransferId: reversalId,
    grantTransferId: request.grantId,
    userId: grant.userId,
    reversedThousandths: grant.thousandths,
    balanceThousandths: balance,
    corrects,
    duplicate: false,
  };
}

/** Not reversed before, and wholly spendable: a wallet never goes negative and a reversal is never partial. */
async function assertReversible(tx: Tx, grantId: string, grant: Grant, wallet: LockedWallet): Promise<void> {
  const done = await tx
    .withTables<ReversalTables>()
    .selectFrom('grant_reversals')
    .select('grant_transfer_id')
    .where('grant_transfer_id', '=', grantId)
    .executeTakeFirst();
  if (done) throw alreadyReversed();
  const spendable = toInt(wallet.balance) - toInt(wallet.reserved);
  if (spendable < grant.thousandths)
    throw new ApiError(
      409,
      'grant_spent',
      `the listener has ${spendable} thousandths spendable, less than the grant's ${grant.thousandths}: a grant is reversed whole or not at all`,
    );
}

/** The grant's postings negated as one balanced transfer, and the wallet's balance lowered by the grant. Answers the new balance. */
async function postReversal(
  tx: Tx,
  r: { reversalId: string; grant: Grant; wallet: LockedWallet; note: string; now: number },
): Promise<number> {
  const postings = grantReversalPostings(r.grant.userId, r.grant.thousandths);
  assert(postings.reduce((sum, p) => sum + p.amount, 0) === 0, `reversal ${r.reversalId} sums to zero`);
  await appendTransfers(tx, [
    {
      id: r.reversalId,
      kind: 'grant_reversal',
      user_id: r.grant.userId,
      receipt_id: null,
      request_id: null,
      note: r.note,
      created_at: r.now,
      postings,
    },
  ]);
  const balance = toInt(r.wallet.balance) - r.grant.thousandths;
  assert(balance >= toInt(r.wallet.reserved), 'a reversal leaves the reserved allowance covered');
  await tx
    .updateTable('wallets')
    .set({ balance, version: r.wallet.version + 1 })
    .where('user_id', '=', r.grant.userId)
    .execute();
  return balance;
}

/** The reversal's own row: what a resend under the same key answers, and what makes a second reversal a 409. */
async function recordReversal(
  tx: Tx,
  request: ReversalRequest,
  r: { reversalId: string; grant: Grant; balance: number; corrects: number | null; now: number },
): Promise<void> {
  await tx
    .withTables<ReversalTables>()
    .insertInto('grant_reversals')
    .values({
      grant_transfer_id: request.grantId,
      reversal_transfer_id: r.reversalId,
      idempotency_key: request.key,
      content_hash: request.contentHash,
      user_id: r.grant.userId,
      amount: r.grant.thousandths,
      reason: request.reason,
      balance_after: r.balance,
      corrects: r.corrects,
      created_by: request.adminId,
      created_at: r.now,
    })
    .execute();
}
