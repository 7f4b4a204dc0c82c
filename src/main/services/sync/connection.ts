import { join } from 'node:path';
import { CallError } from '../../../shared/contract/define';
import type { AccountStatus, SyncStatus } from '../../../shared/contract/sync';
import { SyncApiClient, SyncApiError } from './api-client';
import { emitSafely, type BundledServer, type SyncParts } from './sync-parts';

export const BUNDLED = 'bundled';
/** The bundled node's data folder, under the app's: its SQLite store, media and first-admin token. */
export const BUNDLED_SERVER_DIR = 'coop-server';

export class NotSignedIn extends Error {}

async function noBundledServer(): Promise<BundledServer> {
  throw new Error('this host bundles no co-op server; set a sync server URL');
}

/** The server in use: its URL, or 'bundled' for the app's own node. */
export function serverKey(p: SyncParts): string {
  return p.deps.settings.get().syncServerUrl || BUNDLED;
}

/** The server's base URL; the bundled one is started on first use (and again after a failed start). */
export async function baseUrl(p: SyncParts, key: string): Promise<string> {
  if (key !== BUNDLED) return key;
  if (!p.bundled.server) {
    const start = p.deps.startBundledServer ?? noBundledServer;
    p.bundled.server = start(join(p.deps.dataDir, BUNDLED_SERVER_DIR)).then(
      (server) => {
        p.bundled.url = server.url;
        p.log.info({ url: server.url }, 'started the bundled co-op server');
        return server;
      },
      (error: unknown) => {
        p.bundled.server = null; // try again next time
        throw new SyncApiError(
          'network',
          `the bundled server did not start: ${error instanceof Error ? error.message : String(error)}`,
        );
      },
    );
  }
  return (await p.bundled.server).url;
}

export function client(p: SyncParts, base: string, token: string | null = null): SyncApiClient {
  const key = serverKey(p);
  const { stream2own } = p.deps;
  return new SyncApiClient({
    baseUrl: base,
    token,
    fetch: p.deps.fetch,
    timers: p.timers,
    timeoutMs: p.deps.requestTimeoutMs,
    // Every answer tells the server's time: receipts are stamped with it, whatever this device's clock says.
    onServerDate: (date) => {
      if (stream2own.serverClock.learn(date, key))
        p.log.info({ offsetMs: stream2own.serverClock.offsetMs() }, "learned the server's time");
    },
  });
}

export interface Connection {
  api: SyncApiClient;
  key: string;
  userId: string;
}

/** The signed-in session for the server in use, or NotSignedIn. */
export async function connection(p: SyncParts): Promise<Connection> {
  const key = serverKey(p);
  const session = p.sessions.load();
  const account = p.store.account();
  if (!session || session.serverKey !== key || !account.userId || account.serverKey !== key)
    throw new NotSignedIn();
  return { api: client(p, await baseUrl(p, key), session.token), key, userId: account.userId };
}

/** `account.status` */
export function accountStatus(p: SyncParts): AccountStatus {
  const key = serverKey(p);
  const account = p.store.account();
  const session = p.sessions.load();
  const signedIn = Boolean(
    session && session.serverKey === key && account.userId && account.serverKey === key,
  );
  const { deviceId } = p.deps.stream2own.identity();
  return {
    signedIn,
    email: signedIn ? account.email : null,
    userId: signedIn ? account.userId : null,
    role: signedIn ? account.role : null,
    artists: signedIn ? account.artists : [],
    serverUrl: key === BUNDLED ? p.bundled.url : key,
    bundledServer: key === BUNDLED,
    deviceId,
    deviceRegistered:
      signedIn && account.userId !== null && p.store.isDeviceRegistered(deviceId, key, account.userId),
  };
}

/** `sync.status` */
export function syncStatus(p: SyncParts): SyncStatus {
  const wallet = p.deps.stream2own.wallet.balances();
  const signedIn = accountStatus(p).signedIn;
  const { state, lastAttemptAtMs, lastError } = p.engine;
  return {
    state: signedIn ? (state === 'signed_out' ? 'offline' : state) : 'signed_out',
    lastSyncAtMs: p.store.account().lastSyncAtMs,
    lastAttemptAtMs,
    nextAttemptAtMs: p.scheduler.nextAttemptAtMs,
    consecutiveFailures: p.scheduler.failures,
    lastError,
    pendingReceipts: p.store.pendingReceipts(),
    pendingThousandths: wallet.pendingThousandths,
    allowanceThousandths: wallet.allowanceThousandths,
    spendableThousandths: wallet.spendableThousandths,
    balanceThousandths: wallet.balanceThousandths,
    unseenCorrections: p.store.unseenCorrections(),
  };
}

export const emitStatus = (p: SyncParts) =>
  emitSafely(p, () => p.deps.events.emit('sync.status', syncStatus(p)));
export const emitAccount = (p: SyncParts) =>
  emitSafely(p, () => p.deps.events.emit('account.changed', accountStatus(p)));

/** Maps the server's considered answers (4xx) to the contract's error codes. */
export function callError(error: unknown, action: string): Error {
  if (error instanceof NotSignedIn) return new CallError('unavailable', `Sign in to ${action}.`);
  if (!(error instanceof SyncApiError)) return error instanceof Error ? error : new Error(String(error));
  if (error.retryable)
    return new CallError(
      'unavailable',
      `Could not ${action}: the co-op server is not reachable or not answering properly (${error.message}).`,
    );
  const code = error.code ?? '';
  if (code === 'bad_credentials') return new CallError('forbidden', 'Wrong email or password.');
  if (code === 'insufficient_credits') return new CallError('forbidden', 'Not enough credits.');
  if (error.status === 404) return new CallError('not_found', `Could not ${action}: not found.`);
  if (error.status === 409) return new CallError('conflict', `Could not ${action}: ${error.message}`);
  if (error.status === 400) return new CallError('invalid_input', `Could not ${action}: ${error.message}`);
  if (error.status === 401) return new CallError('unavailable', 'The session ended; sign in again.');
  return new CallError('unavailable', `Could not ${action}: ${error.message}`);
}

/** A call that needs the server; the sync afterwards brings what it changed (ownership, balance). */
export async function withServer<T>(
  p: SyncParts,
  action: string,
  fn: (api: SyncApiClient) => Promise<T>,
): Promise<T> {
  try {
    const conn = await connection(p);
    return await fn(conn.api);
  } catch (error) {
    throw callError(error, action);
  }
}
