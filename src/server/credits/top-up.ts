import { randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { ServerContext } from '../context';
import { inTransaction, lockWallet } from '../db/transaction';
import { ApiError } from '../http/errors';
import { sha256Hex } from '../accounts/sessions';
import { appendTransfers, topUpPostings } from '../ledger/postings';

/** Adds credits to a listener's wallet: one balanced transfer from "issuance". */
export async function grantCredits(ctx: ServerContext, userId: string, thousandths: number, note: string | null) {
  return inTransaction(ctx.store, async (tx) => {
    const wallet = await lockWallet(ctx.store, tx, userId);
    const transferId = `grant:${uuidv7()}`;
    await appendTransfers(tx, [
      { id: transferId, kind: 'grant', user_id: userId, receipt_id: null, request_id: null, note, created_at: ctx.clock.nowMs(), postings: topUpPostings(userId, thousandths) },
    ]);
    const balance = wallet.balance + thousandths;
    await tx.updateTable('wallets').set({ balance, version: wallet.version + 1 }).where('user_id', '=', userId).execute();
    return { transferId, balanceThousandths: balance };
  });
}

/** Voucher codes: 20 characters of Crockford base32 in groups of five; only their hashes are stored. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
function newCode(): string {
  const bytes = randomBytes(20);
  const chars = [...bytes].map((b) => ALPHABET[b % 32]).join('');
  return chars.match(/.{5}/g)!.join('-');
}
export function normaliseCode(code: string): string {
  return code.toUpperCase().replace(/[^0-9A-Z]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

export async function createVoucherBatch(ctx: ServerContext, adminId: string, valueThousandths: number, count: number, note: string | null) {
  const batchId = uuidv7();
  const codes = Array.from({ length: count }, newCode);
  await ctx.store.db.transaction().execute(async (tx) => {
    await tx.insertInto('voucher_batches').values({ id: batchId, value: valueThousandths, count, note, created_by: adminId, created_at: ctx.clock.nowMs() }).execute();
    await tx
      .insertInto('vouchers')
      .values(codes.map((code) => ({ code_hash: sha256Hex(normaliseCode(code)), batch_id: batchId, redeemed_by: null, redeemed_at: null })))
      .execute();
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
      const exists = await tx.selectFrom('vouchers').select('code_hash').where('code_hash', '=', codeHash).executeTakeFirst();
      throw exists ? new ApiError(409, 'voucher_redeemed', 'this code was redeemed already') : new ApiError(404, 'unknown_voucher', 'no such voucher code');
    }
    const batch = await tx
      .selectFrom('vouchers')
      .innerJoin('voucher_batches', 'voucher_batches.id', 'vouchers.batch_id')
      .select(['voucher_batches.value'])
      .where('vouchers.code_hash', '=', codeHash)
      .executeTakeFirstOrThrow();
    await appendTransfers(tx, [
      { id: `voucher:${codeHash.slice(0, 32)}`, kind: 'voucher', user_id: userId, receipt_id: null, request_id: null, note: null, created_at: now, postings: topUpPostings(userId, batch.value) },
    ]);
    const balance = wallet.balance + batch.value;
    await tx.updateTable('wallets').set({ balance, version: wallet.version + 1 }).where('user_id', '=', userId).execute();
    return { creditedThousandths: batch.value, balanceThousandths: balance };
  });
}
