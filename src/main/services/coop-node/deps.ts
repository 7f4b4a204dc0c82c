import { z } from 'zod';
import { coopAccountSchema, type CoopAccount } from '../../../shared/contract/coop-node';
import { CallError } from '../../../shared/contract/define';
import type { AccountStatus } from '../../../shared/contract/sync';
import type { Logger } from '../core/logger';
import { expectJson, networkError } from '../artist/server-answer';
import type { RawAnswer, RawRequestInit } from '../sync/api-client';

/** What every Co-op node call is given: the account's server, the account, and the sync. */
export interface NodeDeps {
  log: Logger;
  /** The bundled node's data folder (`<dataDir>/coop-server`), where it writes the admin token. */
  bundledDataDir: string;
  /** The sync domain's authenticated request to the account's server. */
  request(method: string, path: string, init?: RawRequestInit): Promise<RawAnswer>;
  /** The sync domain's account status (which server, who is signed in). */
  account(): AccountStatus;
  /** Stores a fresher view of the signed-in account (role, artists) and tells the renderer. */
  accountChanged(user: CoopAccount): void;
  /** One sync now: brings an imported release, a granted balance. */
  syncNow(): Promise<unknown>;
}

/** One request; network trouble becomes "not reachable", with the action named. */
export async function send(
  deps: NodeDeps,
  method: string,
  path: string,
  action: string,
  init?: RawRequestInit,
): Promise<RawAnswer> {
  try {
    return await deps.request(method, path, init);
  } catch (error) {
    throw networkError(error, action);
  }
}

/** One request whose 2xx answer is JSON of `schema`; else the matching CallError. */
export async function json<T>(
  deps: NodeDeps,
  method: string,
  path: string,
  schema: z.ZodType<T>,
  action: string,
  init?: RawRequestInit,
): Promise<T> {
  return expectJson(await send(deps, method, path, action, init), schema, action);
}

export function requireSignedIn(deps: NodeDeps, action: string): AccountStatus {
  const account = deps.account();
  if (!account.signedIn) throw new CallError('unavailable', `Sign in to ${action}.`);
  return account;
}

const usersSchema = z.object({ users: z.array(coopAccountSchema) });

/** Accounts whose email contains `text` (admin only, the server decides). */
export async function findAccounts(
  deps: NodeDeps,
  text: string,
  limit: number,
  action: string,
): Promise<CoopAccount[]> {
  const query = new URLSearchParams({ email: text, limit: String(limit) });
  return (await json(deps, 'GET', `/v1/admin/users?${query}`, usersSchema, action)).users;
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
