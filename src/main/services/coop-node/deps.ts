import type { CoopAccount } from '../../../shared/contract/coop-node';
import { CallError } from '../../../shared/contract/define';
import type { AccountStatus } from '../../../shared/contract/sync';
import { accounts, type AnswerOf, type ServerRouteSpec } from '../../../shared/server-api';
import type { Logger } from '../core/logger';
import { callSpec, type Request, type SpecInit } from '../artist/server-answer';
import type { RequestParts } from '../sync/api-client';

/** What every Co-op node call is given: the account's server, the account, and the sync. */
export interface NodeDeps {
  log: Logger;
  /** The bundled node's data folder (`<dataDir>/coop-server`), where it writes the admin token. */
  bundledDataDir: string;
  /** The sync domain's authenticated request to the account's server. */
  request: Request;
  /** The sync domain's account status (which server, who is signed in). */
  account(): AccountStatus;
  /** Stores a fresher view of the signed-in account (role, artists) and tells the renderer. */
  accountChanged(user: CoopAccount): void;
  /** One sync now: brings an imported release, a granted balance. */
  syncNow(): Promise<unknown>;
}

/**
 * One call of a wire-contract route (src/shared/server-api) whose answer is
 * the spec's; network trouble becomes "not reachable" and an error status the
 * matching CallError, with the action named.
 */
export function call<S extends ServerRouteSpec>(
  deps: NodeDeps,
  spec: S,
  parts: RequestParts<S>,
  action: string,
  init?: SpecInit,
): Promise<AnswerOf<S>> {
  return callSpec(deps.request, spec, parts, action, init);
}

export function requireSignedIn(deps: NodeDeps, action: string): AccountStatus {
  const account = deps.account();
  if (!account.signedIn) throw new CallError('unavailable', `Sign in to ${action}.`);
  return account;
}

/** Accounts whose email contains `text` (admin only, the server decides). */
export async function findAccounts(
  deps: NodeDeps,
  text: string,
  limit: number,
  action: string,
): Promise<CoopAccount[]> {
  return (await call(deps, accounts.findUsers, { query: { email: text, limit } }, action)).users;
}

/** The account with exactly this email (emails are stored lower-case). */
export async function accountByEmail(deps: NodeDeps, email: string, action: string): Promise<CoopAccount> {
  const wanted = email.trim().toLowerCase();
  const found = (await findAccounts(deps, wanted, 100, action)).find((u) => u.email === wanted);
  if (!found)
    throw new CallError('not_found', `Could not ${action}: there is no account ${wanted} on this co-op.`);
  return found;
}

/** After a change on the node; a failed sync is logged, the change stands (the next sync brings it). */
export async function syncQuietly(deps: NodeDeps): Promise<void> {
  await deps
    .syncNow()
    .catch((error: unknown) => deps.log.warn({ err: error }, 'could not sync after a co-op node change'));
}
