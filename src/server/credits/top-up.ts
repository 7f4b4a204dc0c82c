import { randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { ServerContext } from '../context';
import { inTransaction, lockWallet, type Tx } from '../db/transaction';
import { ApiError } from '../http/errors';
import { sha256Hex } from '../accounts/sessions';
import { isUniqueViolation } from '../accounts/users';
import { appendTransfers, topUpPostings } from '../ledger/postings';
import { appendCreditLeaves } from '../tlog/event-index';

export interface GrantAnswer {
  transferId: string;
  balanceThousandths: number;
  /** True when an earlier request with the same idempotency key made this grant; the answer is that request's. */
  duplicate: boolean;
}

/** One balanced transfer from "issuance" to the (locked) wallet. */
async function applyGrant(
  ctx: ServerContext,
  tx: Tx,
  userId: string,
  thousandths: number,
  note: string | null,
) {
  const wallet = await lockWallet(ctx.store, tx, userId);
  const transferId = `grant:${uuidv7()}`;
  const now = ctx.clock.nowMs();
  await appendTransfers(tx, [
    {
      id: transferId,
      kind: 'grant',
      user_id: userId,
      receipt_id: null,
      request_id: null,
      note,
      created_at: now,
      postings: topUpPostings(userId, thousandths),
    },
  ]);
  const balance = wallet.balance + thousandths;
  if (!Number.isSafeInteger(balance) || balance < wallet.balance)
    throw new Error('grant invariant broken: balance did not grow by the grant');
  await tx
    .updateTable('wallets')
    .set({ balance, version: wallet.version + 1 })
    .where('user_id', '=', userId)
    .execute();
  // Last in the transaction: the grant's transparency-log leaf (docs/transparency-log.md).
  await appendCreditLeaves(ctx, tx, [{ kind: 'grant', userId, transferId, time: now, credit: thousandths }]);
  return { transferId, balanceThousandths: balance };
}

/** Adds credits to a listener's wallet (the command line's grant; no idempotency key). */
export async function grantCredits(
  ctx: ServerContext,
  userId: string,
  thousandths: number,
  note: string | null,
): Promise<GrantAnswer> {
  return {
    ...(await inTransaction(ctx.store, (tx) => applyGrant(ctx, tx, userId, thousandths, note))),
    duplicate: false,
  };
}

/**
 * A grant under a client-chosen idempotency key, as TigerBeetle's transfer
 * ids: the first request with a key makes the grant, a resend answers that
 * first result (and credits nothing), the same key with another user,
 * amount or note is a 409. The key row is written in the grant's own
 * transaction, so a grant and its key commit together or not at all; two
 * racing requests with one key: the primary key lets one in, the other
 * reads its answer.
 */
export async function grantCreditsOnce(
  ctx: ServerContext,
  key: string,
  userId: string,
  thousandths: number,
  note: string | null,
): Promise<GrantAnswer> {
  const contentHash = sha256Hex(JSON.stringify([userId, thousandths, note]));
  const earlier = async (db: Tx | ServerContext['store']['db']): Promise<GrantAnswer | null> => {
    const row = await db
      .selectFrom('grant_requests')
      .selectAll()
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
    if (!row) return null;
    if (row.content_hash !== contentHash) {
      throw new ApiError(
        409,
        'idempotency_conflict',
        'this idempotency key was used for a grant with another user, amount or note',
      );
    }
    return { transferId: row.transfer_id, balanceThousandths: row.balance_after, duplicate: true };
  };
  const found = await earlier(ctx.store.db);
  if (found) return found;
  try {
    return await inTransaction(ctx.store, async (tx) => {
      const made = await applyGrant(ctx, tx, userId, thousandths, note);
      await tx
        .insertInto('grant_requests')
        .values({
          idempotency_key: key,
          content_hash: contentHash,
          transfer_id: made.transferId,
          balance_after: made.balanceThousandths,
          created_at: ctx.clock.nowMs(),
        })
        .execute();
      return { ...made, duplicate: false };
    });
  } catch (error) {
    // Another request with this key committed first: answer what it made.
    if (isUniqueViolation(error)) {
      const raced = await earlier(ctx.store.db);
      if (raced) return raced;
    }
    throw error;
  }
}

/** Voucher codes: 20 characters of Crockford base32 in groups of five; only their hashes are stored. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
function newCode(): string {
  const bytes = randomBytes(20);
  const chars = [...bytes].map((b) => ALPHABET[b % 32]).join('');
  return chars.match(/.{5}/g)!.join('-');
}
export function normaliseCode(code: string): string {
  return code
    .toUpperCase()
    .replace(/[^0-9A-Z]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
}

/** 4 parameters a row: 4,000 parameters a statement, far under SQLite's 32,766 and PostgreSQL's 65,535. */
const VOUCHER_ROWS_PER_INSERT = 1_000;

export async function createVoucherBatch(
  ctx: ServerContext,
  adminId: string,
  valueThousandths: number,
  count: number,
  note: string | null,
) {
  const batchId = uuidv7();
  const codes = Array.from({ length: count }, newCode);
  await ctx.store.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('voucher_batches')
      .values({
        id: batchId,
        value: valueThousandths,
        count,
        note,
        created_by: adminId,
        created_at: ctx.clock.nowMs(),
      })
      .execute();
    // Chunked: 10,000 codes in one INSERT bind 40,000 parameters, over SQLite's 32,766.
    const rows = codes.map((code) => ({
      code_hash: sha256Hex(normaliseCode(code)),
      batch_id: batchId,
      redeemed_by: null,
      redeemed_at: null,
    }));
    for (let i = 0; i < rows.length; i += VOUCHER_ROWS_PER_INSERT) {
      await tx
        .insertInto('vouchers')
        .values(rows.slice(i, i + VOUCHER_ROWS_PER_INSERT))
        .execute();
    }
  });
  return { batchId, valueThousandths, codes };
}

/** Redeems a code once: the conditional UPDATE is the guard, so two redemptions can't both win. */
export async function redeemVoucher(ctx: ServerContext, userId: string, code: string) {
  const codeHash = sha256Hex(normaliseCode(code));
  return inTransaction(ctx.store, async (tx) => {
    const wallet = await lockWallet(ctx.store, tx, userId);
    const now = ctx.clock.nowMs();
    const updated = await tx
      .updateTable('vouchers')
      .set({ redeemed_by: userId, redeemed_at: now })
      .where('code_hash', '=', codeHash)
      .where('redeemed_by', 'is', null)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) {
      const exists = await tx
        .selectFrom('vouchers')
        .select('code_hash')
        .where('code_hash', '=', codeHash)
        .executeTakeFirst();
      throw exists
        ? new ApiError(409, 'voucher_redeemed', 'this code was redeemed already')
        : new ApiError(404, 'unknown_voucher', 'no such voucher code');
    }
    const batch = await tx
      .selectFrom('vouchers')
      .innerJoin('voucher_batches', 'voucher_batches.id', 'vouchers.batch_id')
      .select(['voucher_batches.value'])
      .where('vouchers.code_hash', '=', codeHash)
      .executeTakeFirstOrThrow();
    const transferId = `voucher:${codeHash.slice(0, 32)}`;
    await appendTransfers(tx, [
      {
        id: transferId,
        kind: 'voucher',
        user_id: userId,
        receipt_id: null,
        request_id: null,
        note: null,
        created_at: now,
        postings: topUpPostings(userId, batch.value),
      },
    ]);
    const balance = wallet.balance + batch.value;
    await tx
      .updateTable('wallets')
      .set({ balance, version: wallet.version + 1 })
      .where('user_id', '=', userId)
      .execute();
    // Last in the transaction: the voucher's transparency-log leaf (docs/transparency-log.md).
    await appendCreditLeaves(ctx, tx, [
      { kind: 'voucher', userId, transferId, time: now, credit: batch.value },
    ]);
    return { creditedThousandths: batch.value, balanceThousandths: balance };
  });
}
