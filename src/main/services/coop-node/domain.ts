import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import {
  LOCAL_ADMIN_TOKEN_FILE,
  coopAccountSchema,
  importedReleaseSchema,
  type CoopAccount,
  type CoopNodeStatus,
  type coopNodeCalls,
} from '../../../shared/contract/coop-node';
import { CallError } from '../../../shared/contract/define';
import type { AccountStatus } from '../../../shared/contract/sync';
import type { Clock } from '../core/clock';
import type { CallHandler } from '../core/dispatcher';
import type { EventHub } from '../core/events';
import type { Logger } from '../core/logger';
import { expectJson, networkError } from '../artist/server-answer';
import { SyncApiError, type RawAnswer, type RawRequestInit } from '../sync/api-client';

/**
 * The "Co-op node" page's calls: what the signed-in account may do on the
 * co-op server in use, over its session (the sync domain's
 * `authenticatedRequest`). On the app's own node the first admin is the
 * app's user: the node wrote a one-time token into its data folder, read and
 * sent here; it never leaves the main process. The server decides every
 * permission; the status only says which actions to show.
 */

export type CoopNodeCallName = keyof typeof coopNodeCalls;

export interface CoopNodeDomainDeps {
  clock: Clock;
  logger: Logger;
  events: EventHub;
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

const localAdminSchema = z.object({ hasAdmin: z.boolean(), claimable: z.boolean() });
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
const artistSchema = z.object({ id: z.string(), name: z.string() });
const usersSchema = z.object({ users: z.array(coopAccountSchema) });

export function createCoopNodeDomain(deps: CoopNodeDomainDeps) {
  const log = deps.logger.child({ domain: 'coop-node' });

  async function send(
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
  async function json<T>(
    method: string,
    path: string,
    schema: z.ZodType<T>,
    action: string,
    init?: RawRequestInit,
  ): Promise<T> {
    return expectJson(await send(method, path, action, init), schema, action);
  }

  function requireSignedIn(action: string): AccountStatus {
    const account = deps.account();
    if (!account.signedIn) throw new CallError('unavailable', `Sign in to ${action}.`);
    return account;
  }

  /** The account as the server sees it now (a role given since sign-in shows at once); stored when it changed. */
  async function freshAccount(
    account: AccountStatus,
  ): Promise<{ role: AccountStatus['role']; artists: AccountStatus['artists'] }> {
    try {
      const me = await json('GET', '/v1/me', coopAccountSchema, 'load the account');
      if (me.role !== account.role || JSON.stringify(me.artists) !== JSON.stringify(account.artists))
        deps.accountChanged(me);
      return me;
    } catch (error) {
      log.info({ err: error }, 'could not refresh the account; showing what was known at sign-in');
      return account;
    }
  }

  async function localAdmin(): Promise<{ hasAdmin: boolean; claimable: boolean } | null> {
    try {
      return await json('GET', '/v1/local-admin', localAdminSchema, 'ask the node about its admin');
    } catch (error) {
      log.info({ err: error }, 'could not ask the bundled node about its admin');
      return null;
    }
  }

  async function status(): Promise<CoopNodeStatus> {
    const account = deps.account();
    const fresh = account.signedIn ? await freshAccount(account) : { role: null, artists: [] };
    const local = account.signedIn && account.bundledServer ? await localAdmin() : null;
    const admin = fresh.role === 'admin';
    return {
      bundled: account.bundledServer,
      serverUrl: account.serverUrl,
      signedIn: account.signedIn,
      email: account.email,
      role: fresh.role,
      canClaimAdmin: !admin && local?.claimable === true,
      hasAdmin: local ? local.hasAdmin : null,
      actions: {
        importFolder: admin && account.bundledServer,
        grantCredits: admin,
        makeVouchers: admin,
        rightsholders: admin,
        redeemVoucher: account.signedIn,
        publish: admin || fresh.role === 'artist' || fresh.artists.length > 0,
      },
    };
  }

  async function readToken(): Promise<string> {
    try {
      return (await readFile(join(deps.bundledDataDir, LOCAL_ADMIN_TOKEN_FILE), 'utf8')).trim();
    } catch {
      throw new CallError(
        'conflict',
        'This co-op node has an admin already (the one-time admin token was used). Sign in as that account.',
      );
    }
  }

  /** The account with exactly this email (the server matches part of it; emails are stored lower-case). */
  async function accountByEmail(email: string, action: string): Promise<CoopAccount> {
    const wanted = email.trim().toLowerCase();
    const { users } = await json(
      'GET',
      `/v1/admin/users?${new URLSearchParams({ email: wanted, limit: '100' })}`,
      usersSchema,
      action,
    );
    const found = users.find((u) => u.email === wanted);
    if (!found)
      throw new CallError('not_found', `Could not ${action}: there is no account ${wanted} on this co-op.`);
    return found;
  }

  /** Granted once whatever the retries: the same idempotency key for the request and its resend after a network error. */
  async function grantOnce(userId: string, amountThousandths: number, note: string | undefined) {
    const action = 'grant the credits';
    const body = { json: { userId, amountThousandths, note, idempotencyKey: uuidv7() } };
    let answer: RawAnswer;
    try {
      answer = await deps.request('POST', '/v1/admin/grants', body);
    } catch (error) {
      if (!(error instanceof SyncApiError && error.retryable)) throw networkError(error, action);
      answer = await send('POST', '/v1/admin/grants', action, body);
    }
    return expectJson(answer, grantSchema, action);
  }

  async function syncQuietly(): Promise<void> {
    await deps
      .syncNow()
      .catch((error: unknown) => log.warn({ err: error }, 'could not sync after a co-op node change'));
  }

  const handlers: { [N in CoopNodeCallName]: CallHandler<N> } = {
    'node.status': () => status(),
    'node.claimAdmin': async () => {
      const account = requireSignedIn("become this node's admin");
      if (!account.bundledServer)
        throw new CallError(
          'forbidden',
          "Only the app's own co-op node can be claimed; this app uses another co-op server (Settings).",
        );
      const token = await readToken();
      const me = await json('POST', '/v1/local-admin/claim', coopAccountSchema, "become this node's admin", {
        json: { token },
      });
      deps.accountChanged(me);
      log.info({ userId: me.id }, "this account is now the admin of the app's own node");
      return status();
    },
    'node.importRelease': async ({ folder, artist, title, free }) => {
      const account = requireSignedIn('import a release');
      if (!account.bundledServer)
        throw new CallError(
          'forbidden',
          "Importing from a folder works on the app's own co-op node only; on another co-op, publish from the Release preview.",
        );
      if (!isAbsolute(folder))
        throw new CallError(
          'invalid_input',
          'Enter the full path of the folder (for example /home/you/Music/Album).',
          [{ path: 'folder', message: 'must be an absolute path' }],
        );
      const imported = await json(
        'POST',
        '/v1/local-admin/releases/import',
        importedReleaseSchema,
        'import the release',
        {
          json: { folder, artist, title, free },
          // Copying a folder of audio may take longer than an ordinary request.
          timeoutMs: 10 * 60_000,
        },
      );
      log.info(
        { releaseId: imported.releaseId, tracks: imported.tracks.length, skipped: imported.skipped.length },
        'imported a release into the node',
      );
      await syncQuietly();
      return imported;
    },
    'node.findAccounts': async ({ query }) => {
      requireSignedIn('find accounts');
      const { users } = await json(
        'GET',
        `/v1/admin/users?${new URLSearchParams({ email: query, limit: '20' })}`,
        usersSchema,
        'find accounts',
      );
      return { accounts: users };
    },
    'node.grantCredits': async ({ email, amountThousandths, note }) => {
      const account = requireSignedIn('grant credits');
      const grantee = await accountByEmail(email, 'grant the credits');
      const answer = await grantOnce(grantee.id, amountThousandths, note);
      if (grantee.id === account.userId) await syncQuietly();
      return { email: grantee.email, amountThousandths, balanceThousandths: answer.balanceThousandths };
    },
    'node.makeVouchers': async ({ valueThousandths, count, note }) => {
      requireSignedIn('make vouchers');
      return json('POST', '/v1/admin/voucher-batches', vouchersSchema, 'make the vouchers', {
        json: { valueThousandths, count, note },
      });
    },
    'node.addRightsholder': async ({ email, artist }) => {
      const account = requireSignedIn('make a rightsholder');
      const action = 'make the account a rightsholder';
      const holder = await accountByEmail(email, action);
      const made = await json('POST', '/v1/admin/artists', artistSchema, action, { json: { name: artist } });
      const answer = await send(
        'POST',
        `/v1/admin/artists/${encodeURIComponent(made.id)}/rightsholders`,
        action,
        { json: { userId: holder.id } },
      );
      if (answer.status !== 204) expectJson(answer, z.unknown(), action);
      const after = await accountByEmail(email, action);
      if (after.id === account.userId) {
        deps.accountChanged(after);
        await syncQuietly(); // their own tracks play free from now on
      }
      const name = after.artists.find((a) => a.id === made.id)?.name ?? made.name;
      return { artistId: made.id, artistName: name, account: after };
    },
  };

  return { handlers, status };
}

export type CoopNodeDomain = ReturnType<typeof createCoopNodeDomain>;
