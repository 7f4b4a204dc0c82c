import { v7 as uuidv7 } from 'uuid';
import { credits } from '../../../shared/server-api';
import { networkError, requestSpec, sendSpec, specAnswer } from '../artist/server-answer';
import { SyncApiError, type RawAnswer } from '../sync/api-client';
import { accountByEmail, call, requireSignedIn, syncQuietly, type NodeDeps } from './deps';

/** Granted once whatever the retries: the same idempotency key for the request and its resend after a network error. */
async function grantOnce(
  deps: NodeDeps,
  userId: string,
  amountThousandths: number,
  note: string | undefined,
) {
  const action = 'grant the credits';
  const spec = credits.grantCredits;
  const parts = { body: { userId, amountThousandths, note, idempotencyKey: uuidv7() } };
  let answer: RawAnswer;
  try {
    answer = await requestSpec(deps.request, spec, parts);
  } catch (error) {
    if (!(error instanceof SyncApiError && error.retryable)) throw networkError(error, action);
    answer = await sendSpec(deps.request, spec, parts, action);
  }
  return specAnswer(spec, answer, action);
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
  return call(deps, credits.createVoucherBatch, { body: input }, 'make the vouchers');
}
