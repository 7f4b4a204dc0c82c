import { afterAll, beforeAll, expect } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { FakeClock } from '../../../src/main/services/core/clock';
import type { AccountStatus } from '../../../src/shared/contract/sync';
import type { ServerProcess } from '../../support/server-process';
import { freshStore, runCli, signIn, signInNewAdmin, type Api, type StoreTarget } from '../server/harness';
import { listen, makeApp, makeAudioFolder, serverProcess, type TestApp } from './support';

/** The release the server imports: one sine track per length (seconds), by `artist`, titled `title`. */
export interface ReleaseToImport {
  seconds: number[];
  artist: string;
  title: string;
}

type AppOptions = NonNullable<Parameters<typeof makeApp>[1]>;

/** A real server process on a fresh SQLite store, one release imported, an admin signed in. */
export interface ServerWithRelease {
  store: StoreTarget;
  server: ServerProcess;
  admin: Api;
  artistId: string;
  releaseId: string;
  trackIds: string[];
  /** `count` voucher codes worth `valueThousandths` each. */
  vouchers(count: number, valueThousandths?: number): Promise<string[]>;
  /** The app services against `url` (the server's by default); closed after the file's tests. */
  app(options?: AppOptions & { url?: string }): TestApp;
  /** An app with a new listener signed up (and `code` redeemed when given): its email and password. */
  listener(options?: AppOptions & { url?: string; code?: string }): Promise<ListenerApp>;
  /** The server's API as that listener (their own session, not the app's). */
  listenerApi(listener: { email: string }): Promise<Api>;
  /** Stopped after the apps are closed and before the server is (proxies in front of it). */
  stopAfterApps(thing: { stop(): Promise<void> }): void;
}

export const LISTENER_PASSWORD = 'listener password';

/** A device clock started an hour ago (the server accepts receipts dated up to then). */
export const hourAgoClock = () => new FakeClock(1_000, Date.now() - 3_600_000);

/** An app with a listener signed up: the email, and the account status the sign-up answered. */
export type ListenerApp = TestApp & { email: string; account: AccountStatus };

/** Signs a new listener up on `t` (and redeems `code` when given). */
export async function signUpListener(t: TestApp, code?: string): Promise<ListenerApp> {
  const email = `listener-${uuidv7()}@example.org`;
  const account = await t.call<AccountStatus>('account.signUp', { email, password: LISTENER_PASSWORD });
  if (code !== undefined) await t.call('wallet.redeemVoucher', { code });
  return Object.assign(t, { email, account });
}

/**
 * The file's server: started and given `release` before its tests (`beforeAll`, `timeoutMs`),
 * stopped after them with every app made through it. Its fields are set once `beforeAll` has run.
 */
export function useServerWithRelease(release: ReleaseToImport, timeoutMs?: number): ServerWithRelease {
  const apps: TestApp[] = [];
  const others: { stop(): Promise<void> }[] = [];
  const env = {
    vouchers: async (count: number, valueThousandths = 5000) =>
      (await env.admin.post('/v1/admin/voucher-batches', { valueThousandths, count })).body.codes as string[],
    app: ({ url, ...options }: AppOptions & { url?: string } = {}) => {
      const t = makeApp(url ?? env.server.url, options);
      apps.push(t);
      return t;
    },
    listener: ({ code, ...options }: AppOptions & { url?: string; code?: string } = {}) =>
      signUpListener(env.app(options), code),
    listenerApi: (listener: { email: string }) => signIn(env.server.url, listener.email, LISTENER_PASSWORD),
    stopAfterApps: (thing: { stop(): Promise<void> }) => void others.push(thing),
  } as ServerWithRelease;
  beforeAll(async () => {
    env.store = await freshStore('sqlite');
    env.server = await serverProcess(env.store);
    const { seconds, artist, title } = release;
    const imported = await runCli(env.store, [
      'import-release',
      makeAudioFolder(seconds),
      '--artist',
      artist,
      '--title',
      title,
    ]);
    env.artistId = imported.artistId;
    env.releaseId = imported.releaseId;
    env.trackIds = imported.tracks.map((t: { id: string }) => t.id);
    env.admin = await signInNewAdmin(env.store, env.server.url);
  }, timeoutMs);
  afterAll(async () => {
    for (const t of apps) await t.app.close();
    for (const thing of others) await thing.stop();
    await env.server?.stop();
    await env.store?.cleanup();
  });
  return env;
}

/**
 * Listeners with credit play and sync: one listener a list of tracks, each play counted and
 * synced; the report then has several lines, and the log other leaves (vouchers) in between.
 */
export async function syncedPlays(env: ServerWithRelease, tracksPerListener: string[][]): Promise<void> {
  const codes = await env.vouchers(tracksPerListener.length);
  for (const [i, tracks] of tracksPerListener.entries()) {
    const t = await env.listener({ clock: hourAgoClock(), code: codes[i] });
    for (const track of tracks) expect((await listen(t, track)).counted).toBe(true);
    expect((await t.call('sync.now')).pendingReceipts).toBe(0);
  }
}
