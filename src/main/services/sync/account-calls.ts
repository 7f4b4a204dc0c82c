import { CallError } from '../../../shared/contract/define';
import type { AccountStatus } from '../../../shared/contract/sync';
import type { ServerSession, SyncApiClient } from './api-client';
import {
  accountStatus,
  baseUrl,
  callError,
  client,
  connection,
  emitAccount,
  emitStatus,
  serverKey,
} from './connection';
import { ensureDevices } from './engine';
import type { SyncParts } from './sync-parts';

/** Receipts waiting here that another account's device signed on this server: that account must sign in first. */
function foreignDevices(p: SyncParts, key: string, userId: string): string[] {
  return p.store.devicesWithPendingReceipts().filter((d) => {
    const account = p.store.deviceAccount(d, key);
    return account !== null && account !== userId;
  });
}

async function afterSignIn(
  p: SyncParts,
  key: string,
  api: SyncApiClient,
  session: ServerSession,
): Promise<AccountStatus> {
  const previous = p.store.account();
  if (foreignDevices(p, key, session.user.id).length > 0) {
    api.token = session.token;
    await api.signOut().catch(() => undefined);
    throw new CallError(
      'conflict',
      `This device has plays of ${previous.email ?? 'another account'} that are not sent yet; sign in to that account first so they are settled.`,
    );
  }
  p.sessions.save({ serverKey: key, token: session.token, expiresAt: session.expiresAt });
  p.store.signedIn(key, session.user, p.deps.clock.nowMs());
  const conn = { api: client(p, api.baseUrl, session.token), key, userId: session.user.id };
  try {
    await ensureDevices(p, conn);
  } catch (error) {
    p.log.warn({ err: error }, 'could not register this device yet; the next sync will');
  }
  p.engine.state = 'offline';
  emitAccount(p);
  if (p.deps.autoStart !== false) p.scheduler.start();
  return accountStatus(p);
}

/** `account.signUp` / `account.signIn` */
export async function signInWith(
  p: SyncParts,
  action: 'sign up' | 'sign in',
  email: string,
  password: string,
): Promise<AccountStatus> {
  const key = serverKey(p);
  let api: SyncApiClient;
  let session: ServerSession;
  try {
    api = client(p, await baseUrl(p, key));
    session = action === 'sign up' ? await api.signUp(email, password) : await api.signIn(email, password);
  } catch (error) {
    throw callError(error, action);
  }
  return afterSignIn(p, key, api, session);
}

/** `account.signOut`: a last sync of what waits (unless offline), the server's sign-out, then forgotten here. */
export async function signOut(p: SyncParts): Promise<AccountStatus> {
  let conn;
  try {
    conn = await connection(p);
  } catch {
    conn = null;
  }
  if (conn) {
    // Last chance to send what is waiting; whatever stays is sent at the next sign-in.
    if (p.store.pendingReceipts() > 0 && p.engine.state !== 'offline') await p.scheduler.now();
    await conn.api
      .signOut()
      .catch((error: unknown) =>
        p.log.info({ err: error }, 'server sign-out failed; forgetting the session anyway'),
      );
  }
  p.scheduler.stop();
  p.sessions.clear();
  p.store.signedOut();
  p.engine.state = 'signed_out';
  p.engine.lastError = null;
  emitAccount(p);
  emitStatus(p);
  return accountStatus(p);
}
