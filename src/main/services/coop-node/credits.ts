import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { expectJson, networkError } from '../artist/server-answer';
import { SyncApiError, type RawAnswer } from '../sync/api-client';
import { accountByEmail, json, requireSignedIn, send, syncQuietly, type NodeDeps } from './deps';

const grantSchema = z.object({
  transferId: z.string(),
  balanceThousandths: z.number().int(),
  duplicate: z.boolean(),
});
const vouchersSchema = z.object({
  batchId: z.string(),
  valueThousandths: z.number().int(),
  codes: z.array(z.string()),
});

/** Granted once whatever the retries: the same idempotency key for the request and its resend after a network error. */
async function grantOnce(
  deps: NodeDeps,
  userId: string,
  amountThousandths: number,
  note: string | undefined,
) {
  const action = 'grant the credits';
  const body = { json: { userId, amountThousandths, note, idempotencyKey: uuidv7() } };
  let answer: RawAnswer;
  try {
    answer = await deps.request('POST', '/v1/admin/grants', body);
  } catch (error) {
    if (!(error instanceof SyncApiError && error.retryable)) throw networkError(error, action);
    answer = await send(deps, 'POST', '/v1/admin/grants', action, body);
  }
  return expectJson(answer, grantSchema, action);
}

/** `node.grantCredits`: to the account with this email; the granter's own wallet is synced at once. */
export async function grantCredits(
  deps: NodeDeps,
  input: { email: string; amountThousandths: number; note?: string },
) {
  const account = requireSignedIn(deps, 'grant credits');
  const grantee = await accountByEmail(deps, input.email, 'grant the credits');
  const answer = await grantOnce(deps, grantee.id, input.amountThousandths, input.note);
  if (grantee.id === account.userId) await syncQuietly(deps);
  return {
    email: grantee.email,
    amountThousandths: input.amountThousandths,
    balanceThousandths: answer.balanceThousandths,
  };
}

/** `node.makeVouchers`: the codes are in this answer only. */
export async function makeVouchers(
  deps: NodeDeps,
  input: { valueThousandths: number; count: number; note?: string },
) {
  requireSignedIn(deps, 'make vouchers');
  return json(deps, 'POST', '/v1/admin/voucher-batches', vouchersSchema, 'make the vouchers', {
    json: input,
  });
}
