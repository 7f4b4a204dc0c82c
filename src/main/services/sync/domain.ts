import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { CallError } from '../../../shared/contract/define';
import type {
  AccountStatus,
  Correction,
  SyncStateName,
  SyncStatus,
  syncCalls,
} from '../../../shared/contract/sync';
import type { Settings } from '../../../shared/settings';
import type { Clock } from '../core/clock';
import type { CallHandler, CallHandlers } from '../core/dispatcher';
import type { EventHub } from '../core/events';
import type { Logger } from '../core/logger';
import { migrate, type Db } from '../db/database';
import { PurchaseQuotes } from './quotes';
import type { RemoteMedia } from '../media/media-router';
import { UNPUBLISHED_MESSAGE, type Stream2OwnDomain } from '../stream2own/domain';
import { stream2OwnState } from '../wallet/charge-rules';
import { isVisibleTrack } from '../wallet/catalog-store';
import type { KeyProtector } from '../wallet/device-identity';
import {
  realTimers,
  SyncApiClient,
  SyncApiError,
  type FetchLike,
  type RawAnswer,
  type RawRequestInit,
  type ServerSession,
  type Timers,
} from './api-client';
import { Downloads } from './downloads';
import { syncMigrations } from './migrations';
import { SyncScheduler, type RunResult } from './scheduler';
import { SessionStore } from './session-store';
import { SyncStore } from './sync-store';

/**
 * The co-op account, the sync engine, downloads and the server-side wallet
 * calls, wired. See docs/sync.md for the guarantees; in short: a receipt
 * leaves the outbox only in the same local transaction that stores the
 * server's answer to it, and is resent as stored until then.
 */

/** The bundled co-op node: src/server, in this process, on loopback. */
export interface BundledServer {
  url: string;
  close(): Promise<void>;
}

export interface SyncDomainDeps {
  db: Db;
  dataDir: string;
  clock: Clock;
  logger: Logger;
  events: EventHub;
  settings: { get(): Settings };
  stream2own: Stream2OwnDomain;
  keyProtector?: KeyProtector;
  /** Tests: the network and time. */
  fetch?: FetchLike;
  timers?: Timers;
  random?: () => number;
  /**
   * Starts the bundled server when `syncServerUrl` is empty, in `<dataDir>/coop-server`. The host passes it
   * (src/server/bundled.ts: src/server in-process); services never import src/server. None: only a remote server.
   */
  startBundledServer?: (dataDir: string) => Promise<BundledServer>;
  /** Shown in the account's device list. */
  deviceName?: string;
  requestTimeoutMs?: number;
  intervalMs?: number;
  afterPlayDelayMs?: number;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  batchSize?: number;
  /** Start syncing at once (default true); tests drive `sync.now` themselves. */
  autoStart?: boolean;
  /** Runs after each sync that completed (the public log check, src/main/services/tlog); its failure is its own. */
  afterSync?: (info: { serverKey: string; startedAtMs: number }) => Promise<void>;
}

export type SyncCallName = keyof typeof syncCalls;

const BUNDLED = 'bundled';
/** The bundled node's data folder, under the app's: its SQLite store, media and first-admin token. */
export const BUNDLED_SERVER_DIR = 'coop-server';

class NotSignedIn extends Error {}

async function noBundledServer(): Promise<BundledServer> {
  throw new Error('this host bundles no co-op server; set a sync server URL');
}

export function createSyncDomain(deps: SyncDomainDeps) {
  migrate(deps.db, syncMigrations);
  const log = deps.logger.child({ domain: 'sync' });
  const { stream2own, clock } = deps;
  const store = new SyncStore(
    deps.db,
    stream2own.wallet,
    stream2own.catalog,
    () => stream2own.identity().deviceId,
  );
  const quotes = new PurchaseQuotes(clock);
  const sessions = new SessionStore(deps.dataDir, deps.keyProtector);
  const timers = deps.timers ?? realTimers;
  const batchSize = deps.batchSize ?? 200;
  /** Co-op sessions opened through here, so eviction never takes the track being played. */
  const openSessions = new Map<string, string>();
  const downloads = new Downloads(deps.db, deps.dataDir, clock, () => {
    const live = new Set<string>();
    for (const [sessionId, trackId] of openSessions) {
      if (stream2own.guard.liveSession(sessionId)) live.add(trackId);
      else openSessions.delete(sessionId);
    }
    return live;
  });

  let state: SyncStateName = 'signed_out';
  let lastAttemptAtMs: number | null = null;
  let lastError: SyncStatus['lastError'] = null;
  let bundled: Promise<BundledServer> | null = null;
  let bundledUrl: string | null = null;

  function serverKey(): string {
    return deps.settings.get().syncServerUrl || BUNDLED;
  }

  // The wallet row is spendable only for the server, listener and device it came from.
  stream2own.bindAccount(() => {
    const key = serverKey();
    const account = store.account();
    return { serverKey: key, userId: account.serverKey === key ? account.userId : null };
  });

  async function baseUrl(key: string): Promise<string> {
    if (key !== BUNDLED) return key;
    if (!bundled) {
      const start = deps.startBundledServer ?? noBundledServer;
      bundled = start(join(deps.dataDir, BUNDLED_SERVER_DIR)).then(
        (server) => {
          bundledUrl = server.url;
          log.info({ url: server.url }, 'started the bundled co-op server');
          return server;
        },
        (error: unknown) => {
          bundled = null; // try again next time
          throw new SyncApiError(
            'network',
            `the bundled server did not start: ${error instanceof Error ? error.message : String(error)}`,
          );
        },
      );
    }
    return (await bundled).url;
  }

  function client(base: string, token: string | null = null): SyncApiClient {
    const key = serverKey();
    return new SyncApiClient({
      baseUrl: base,
      token,
      fetch: deps.fetch,
      timers,
      timeoutMs: deps.requestTimeoutMs,
      // Every answer tells the server's time: receipts are stamped with it, whatever this device's clock says.
      onServerDate: (date) => {
        if (stream2own.serverClock.learn(date, key))
          log.info({ offsetMs: stream2own.serverClock.offsetMs() }, "learned the server's time");
      },
    });
  }

  /** The signed-in session for the server in use, or NotSignedIn. */
  async function connection(): Promise<{ api: SyncApiClient; key: string; userId: string }> {
    const key = serverKey();
    const session = sessions.load();
    const account = store.account();
    if (!session || session.serverKey !== key || !account.userId || account.serverKey !== key)
      throw new NotSignedIn();
    return { api: client(await baseUrl(key), session.token), key, userId: account.userId };
  }

  function accountStatus(): AccountStatus {
    const key = serverKey();
    const account = store.account();
    const session = sessions.load();
    const signedIn = Boolean(
      session && session.serverKey === key && account.userId && account.serverKey === key,
    );
    const { deviceId } = stream2own.identity();
    return {
      signedIn,
      email: signedIn ? account.email : null,
      userId: signedIn ? account.userId : null,
      role: signedIn ? account.role : null,
      artists: signedIn ? account.artists : [],
      serverUrl: key === BUNDLED ? bundledUrl : key,
      bundledServer: key === BUNDLED,
      deviceId,
      deviceRegistered:
        signedIn && account.userId !== null && store.isDeviceRegistered(deviceId, key, account.userId),
    };
  }

  function status(): SyncStatus {
    const wallet = stream2own.wallet.balances();
    const signedIn = accountStatus().signedIn;
    return {
      state: signedIn ? (state === 'signed_out' ? 'offline' : state) : 'signed_out',
      lastSyncAtMs: store.account().lastSyncAtMs,
      lastAttemptAtMs,
      nextAttemptAtMs: scheduler.nextAttemptAtMs,
      consecutiveFailures: scheduler.failures,
      lastError,
      pendingReceipts: store.pendingReceipts(),
      pendingThousandths: wallet.pendingThousandths,
      allowanceThousandths: wallet.allowanceThousandths,
      spendableThousandths: wallet.spendableThousandths,
      balanceThousandths: wallet.balanceThousandths,
      unseenCorrections: store.unseenCorrections(),
    };
  }

  function emit(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      log.error({ err: error }, 'could not emit a sync event');
    }
  }
  const emitStatus = () => emit(() => deps.events.emit('sync.status', status()));
  const emitWallet = () => emit(() => deps.events.emit('wallet.changed', stream2own.summary()));
  const emitAccount = () => emit(() => deps.events.emit('account.changed', accountStatus()));
  const emitCorrections = (list: Correction[]) => {
    for (const c of list) emit(() => deps.events.emit('sync.correction', c));
  };

  /**
   * Makes sure the server knows every device key that signed a receipt still
   * waiting, and this device's current key. A current key the server knows
   * under another account gets a new identity here (keys are per account);
   * receipts signed by it stay and will be answered by that account's server.
   */
  async function ensureDevices(conn: { api: SyncApiClient; key: string; userId: string }): Promise<void> {
    const current = stream2own.identity().deviceId;
    const ids = new Set([current, ...store.devicesWithPendingReceipts()]);
    for (const deviceId of ids) {
      if (store.isDeviceRegistered(deviceId, conn.key, conn.userId)) continue;
      const publicKey = stream2own.outbox.devicePublicKey(deviceId);
      if (!publicKey) continue;
      const result = await conn.api.registerDevice({
        id: deviceId,
        name: deps.deviceName ?? `Resonate on ${hostname()}`.slice(0, 100),
        publicKey,
      });
      if (result === 'exists') {
        const mine = (await conn.api.listDevices()).devices.some(
          (d) => d.id === deviceId && d.publicKey === publicKey,
        );
        if (!mine) {
          if (deviceId === current) {
            log.warn(
              { deviceId },
              'this device key is registered to another account; making a new device identity',
            );
            stream2own.rotateIdentity();
            return ensureDevices(conn);
          }
          log.warn({ deviceId }, 'receipts of a device registered to another account stay in the outbox');
          continue;
        }
      }
      store.deviceRegistered(deviceId, conn.key, conn.userId, clock.nowMs());
      if (deviceId === current) emitAccount();
    }
  }

  /**
   * The server's highest seq per device of ours: the next receipt takes a
   * higher one, so a device restored from a backup never replays a seq.
   */
  async function learnSeqs(conn: { api: SyncApiClient }): Promise<void> {
    const { devices } = await conn.api.listDevices();
    for (const d of devices) {
      if (d.lastSeq === undefined || stream2own.outbox.devicePublicKey(d.id) !== d.publicKey) continue;
      if (stream2own.outbox.raiseNextSeq(d.id, d.lastSeq))
        log.warn(
          { deviceId: d.id, lastSeq: d.lastSeq },
          'the server has seen higher receipt numbers from this device (restored from a backup?); continuing after them',
        );
    }
  }

  async function push(conn: { api: SyncApiClient }): Promise<void> {
    // Bounded, so a server that keeps answering "try later" for some receipts cannot loop us;
    // receipts kept for a retry wait until their time, so they are not in the next batch.
    for (let round = 0; round < 1000; round++) {
      const batch = store.unansweredBatch(batchSize, clock.nowMs());
      if (batch.length === 0) return;
      const answer = await conn.api.pushReceipts(stream2own.identity().deviceId, batch);
      const outcome = store.applyPushAnswer(batch, answer, clock.nowMs());
      if (outcome.corrections.length) emitCorrections(outcome.corrections);
      emitWallet();
      if (batch.length < batchSize) return;
    }
  }

  async function pull(conn: { api: SyncApiClient }): Promise<void> {
    for (let page = 0; page < 1000; page++) {
      const answer = await conn.api.pull(stream2own.identity().deviceId, store.account().cursor);
      store.applyPull(answer, clock.nowMs(), (trackId) => downloads.fileOf(trackId));
      if (answer.deviceRevoked) {
        // A revoked key can sign nothing the server accepts: new key, new device id, registered next run.
        log.warn(
          { deviceId: stream2own.identity().deviceId },
          'this device was revoked on the server; making a new device identity',
        );
        stream2own.rotateIdentity();
      }
      if (answer.catalog.complete) break;
    }
    emitWallet();
  }

  async function runSync(): Promise<RunResult> {
    let conn;
    try {
      conn = await connection();
    } catch (error) {
      if (error instanceof NotSignedIn) {
        state = 'signed_out';
        emitStatus();
        return { ok: false, retry: false };
      }
      return failed(error);
    }
    state = 'syncing';
    lastAttemptAtMs = clock.nowMs();
    const startedAtMs = lastAttemptAtMs;
    emitStatus();
    try {
      await ensureDevices(conn);
      await learnSeqs(conn);
      await push(conn);
      await pull(conn);
      state = 'online';
      lastError = null;
      emitStatus();
    } catch (error) {
      return failed(error);
    }
    if (deps.afterSync)
      await deps.afterSync({ serverKey: conn.key, startedAtMs }).catch((error: unknown) =>
        log.error({ err: error }, 'the check after the sync failed'),
      );
    return { ok: true };
  }

  function failed(error: unknown): RunResult {
    lastAttemptAtMs = clock.nowMs();
    let retry = true;
    if (error instanceof SyncApiError) {
      if (error.kind === 'network' || error.kind === 'timeout') {
        state = 'offline';
        lastError = { code: error.kind, message: error.message };
      } else if (error.status === 401) {
        // The session expired or was ended elsewhere: sign in again. The outbox stays.
        state = 'signed_out';
        lastError = { code: 'unauthenticated', message: 'The session ended; sign in again to sync.' };
        sessions.clear();
        store.signedOut();
        retry = false;
        emitAccount();
      } else {
        state = 'error';
        lastError = { code: error.kind === 'http' ? 'other' : error.kind, message: error.message };
      }
    } else {
      state = 'error';
      lastError = { code: 'other', message: error instanceof Error ? error.message : String(error) };
      log.error({ err: error }, 'sync failed');
    }
    log.info({ state, error: lastError }, 'sync did not complete');
    emitStatus();
    return { ok: false, retry };
  }

  const scheduler = new SyncScheduler({
    clock,
    timers,
    random: deps.random ?? Math.random,
    run: runSync,
    intervalMs: deps.intervalMs,
    afterPlayDelayMs: deps.afterPlayDelayMs,
    baseBackoffMs: deps.baseBackoffMs,
    maxBackoffMs: deps.maxBackoffMs,
  });

  const unsubscribe = deps.events.subscribe((name, payload) => {
    if (name !== 'player.playCounted') return;
    const counted = payload as { source: string; receiptId: string | null };
    if (counted.source !== 'coop') return;
    if (counted.receiptId) scheduler.playCounted();
    emitStatus();
  });

  /** Maps the server's considered answers (4xx) to the contract's error codes. */
  function callError(error: unknown, action: string): Error {
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

  async function afterSignIn(
    key: string,
    api: SyncApiClient,
    session: ServerSession,
  ): Promise<AccountStatus> {
    const previous = store.account();
    const waiting = store.devicesWithPendingReceipts();
    const foreign = waiting.filter((d) => {
      const row = deps.db
        .prepare('SELECT user_id AS u FROM sync_devices WHERE device_id = ? AND server_key = ?')
        .get(d, key) as { u: string } | undefined;
      return row !== undefined && row.u !== session.user.id;
    });
    if (foreign.length > 0) {
      api.token = session.token;
      await api.signOut().catch(() => undefined);
      throw new CallError(
        'conflict',
        `This device has plays of ${previous.email ?? 'another account'} that are not sent yet; sign in to that account first so they are settled.`,
      );
    }
    sessions.save({ serverKey: key, token: session.token, expiresAt: session.expiresAt });
    store.signedIn(key, session.user, clock.nowMs());
    const conn = { api: client(api.baseUrl, session.token), key, userId: session.user.id };
    try {
      await ensureDevices(conn);
    } catch (error) {
      log.warn({ err: error }, 'could not register this device yet; the next sync will');
    }
    state = 'offline';
    emitAccount();
    if (deps.autoStart !== false) scheduler.start();
    return accountStatus();
  }

  async function signInWith(
    action: 'sign up' | 'sign in',
    email: string,
    password: string,
  ): Promise<AccountStatus> {
    const key = serverKey();
    let api: SyncApiClient;
    let session: ServerSession;
    try {
      api = client(await baseUrl(key));
      session = action === 'sign up' ? await api.signUp(email, password) : await api.signIn(email, password);
    } catch (error) {
      throw callError(error, action);
    }
    return afterSignIn(key, api, session);
  }

  /** A call that needs the server; the sync afterwards brings what it changed (ownership, balance). */
  async function withServer<T>(action: string, fn: (api: SyncApiClient) => Promise<T>): Promise<T> {
    try {
      const conn = await connection();
      return await fn(conn.api);
    } catch (error) {
      throw callError(error, action);
    }
  }

  async function purchase(
    action: string,
    buy: (api: SyncApiClient, requestId: string) => ReturnType<SyncApiClient['buyTrack']>,
  ) {
    // One request id for the purchase and its retry: a resend after a lost answer is not charged twice.
    const requestId = uuidv7();
    const answer = await withServer(action, async (api) => {
      try {
        return await buy(api, requestId);
      } catch (error) {
        if (error instanceof SyncApiError && error.retryable) return buy(api, requestId);
        throw error;
      }
    });
    await scheduler.now();
    return {
      tracks: answer.tracks,
      totalThousandths: answer.totalThousandths,
      balanceThousandths: answer.balanceThousandths,
      duplicate: answer.duplicate,
      wallet: stream2own.summary(),
    };
  }

  const handlers: { [N in SyncCallName]: CallHandler<N> } = {
    'account.status': () => accountStatus(),
    'account.signUp': ({ email, password }) => signInWith('sign up', email, password),
    'account.signIn': ({ email, password }) => signInWith('sign in', email, password),
    'account.signOut': async () => {
      let conn;
      try {
        conn = await connection();
      } catch {
        conn = null;
      }
      if (conn) {
        // Last chance to send what is waiting; whatever stays is sent at the next sign-in.
        if (store.pendingReceipts() > 0 && state !== 'offline') await scheduler.now();
        await conn.api
          .signOut()
          .catch((error: unknown) =>
            log.info({ err: error }, 'server sign-out failed; forgetting the session anyway'),
          );
      }
      scheduler.stop();
      sessions.clear();
      store.signedOut();
      state = 'signed_out';
      lastError = null;
      emitAccount();
      emitStatus();
      return accountStatus();
    },
    'sync.status': () => status(),
    'sync.now': async () => {
      await scheduler.now();
      return status();
    },
    'sync.corrections': ({ limit, markSeen }) => {
      const corrections = store.corrections(limit);
      if (markSeen) {
        store.markCorrectionsSeen();
        emitStatus();
      }
      return { corrections };
    },
    'coop.download': async ({ trackId, pin }) => {
      requireTrack(trackId, { visible: true });
      return withServer('download the track', (api) => downloads.ensure(trackId, api, { pin }));
    },
    'coop.removeDownload': ({ trackId }) => ({ removed: downloads.remove(trackId) }),
    'coop.pin': ({ trackId, pinned }) => {
      const entry = downloads.pin(trackId, pinned);
      if (!entry) throw new CallError('not_found', 'That track is not downloaded.');
      return entry;
    },
    'downloads.status': () => downloads.status(),
    'downloads.setLimit': ({ limitBytes }) => downloads.setLimit(limitBytes),
    'coop.trackDetails': ({ trackId }) => {
      requireTrack(trackId);
      const meta = store.trackMeta(trackId);
      return {
        trackId,
        releaseId: meta?.releaseId ?? null,
        releaseTitle: meta?.releaseTitle ?? null,
        artistId: meta?.artistId ?? null,
        hasAudio: meta?.hasAudio ?? downloads.fileOf(trackId) !== null,
        download: downloads.fileOf(trackId) ? downloads.entry(trackId) : null,
        releaseRemainingToOwnThousandths: meta
          ? store.releaseRemainingToOwn(meta.releaseId, stream2own.wallet.balances().spendableThousandths)
          : null,
      };
    },
    'wallet.redeemVoucher': async ({ code }) => {
      const answer = await withServer('redeem the voucher', (api) => api.redeemVoucher(code));
      await scheduler.now(); // brings the balance and a new allowance
      return { ...answer, wallet: stream2own.summary() };
    },
    'wallet.quote': (input) => {
      const item = input.kind === 'track' ? trackOffer(input.trackId) : releaseOffer(input.releaseId);
      return quotes.issue(item);
    },
    'wallet.buyRest': ({ trackId, quoteToken }) => {
      const quote = quotes.take(quoteToken, 'track', trackId);
      // The price may have moved since the quote (a play counted, another device synced): confirm again.
      if (trackOffer(trackId).priceThousandths !== quote.priceThousandths) throw priceChanged();
      return purchase('buy the rest of the track', (api, id) => api.buyTrack(trackId, id));
    },
    'wallet.buyRelease': ({ releaseId, quoteToken }) => {
      const quote = quotes.take(quoteToken, 'release', releaseId);
      if (releaseOffer(releaseId).priceThousandths !== quote.priceThousandths) throw priceChanged();
      return purchase('buy the release', (api, id) => api.buyRelease(releaseId, id));
    },
    'wallet.ledger': async ({ limit, before }) => {
      const answer = await withServer('load the ledger', (api) => api.ledger(before, limit));
      return {
        entries: answer.entries.map(({ createdAt, ...e }) => ({ ...e, createdAtMs: createdAt })),
        nextBefore: answer.nextBefore,
      };
    },
    'wallet.membership': async ({ year }) => {
      const m = await withServer('load the membership', (api) => api.membership(year));
      return {
        year: m.year,
        listener: { ...m.listener, progressPercent: clampPercent(m.listener.progressPercent) },
        artist: m.artist ? { ...m.artist, progressPercent: clampPercent(m.artist.progressPercent) } : null,
      };
    },
  };

  /** What buying the rest of a track costs now; refused before the server for an unpublished track or nothing to buy. */
  function trackOffer(trackId: string) {
    const track = stream2own.catalog.get(trackId);
    if (!track) throw new CallError('not_found', 'That track is not in the co-op catalog on this device.');
    // Refused here, before the server (which answers 409 unpublished): nothing is sent, nothing charged.
    if (track.published === false) {
      throw new CallError(
        'conflict',
        'Could not buy the rest of the track: the artist has unpublished it, so it can no longer be bought.',
      );
    }
    const price = stream2OwnState(
      track,
      track.progress,
      stream2own.wallet.balances().spendableThousandths,
    ).remainingToOwnThousandths;
    if (price <= 0) throw new CallError('conflict', 'There is nothing left to buy of this track.');
    return { kind: 'track' as const, itemId: trackId, title: track.title, priceThousandths: price };
  }

  function releaseOffer(releaseId: string) {
    const title = store.releaseTitle(releaseId);
    if (title === null)
      throw new CallError('not_found', 'That release is not in the co-op catalog on this device.');
    if (store.releaseUnpublished(releaseId)) {
      throw new CallError(
        'conflict',
        'Could not buy the release: the artist has unpublished it, so it can no longer be bought.',
      );
    }
    const price = store.releaseRemainingToOwn(releaseId, stream2own.wallet.balances().spendableThousandths);
    if (price <= 0) throw new CallError('conflict', 'There is nothing left to buy of this release.');
    return { kind: 'release' as const, itemId: releaseId, title, priceThousandths: price };
  }

  function priceChanged(): CallError {
    return new CallError(
      'conflict',
      'The price changed since it was confirmed; nothing was bought. Confirm the new price.',
    );
  }

  /** `visible`: also refuse an unpublished track the listener does not own (the server would answer 403 unpublished). */
  function requireTrack(trackId: string, options: { visible?: boolean } = {}): void {
    const track = stream2own.catalog.get(trackId);
    if (!track) throw new CallError('not_found', 'That track is not in the co-op catalog on this device.');
    if (options.visible && !isVisibleTrack(track)) throw new CallError('not_found', UNPUBLISHED_MESSAGE);
  }

  /**
   * Wraps stream to own's `player.open`. A downloaded co-op track opens as
   * its file. One that is not on this device is **streamed**: its download
   * starts in the background (into the cache, for replays and offline), and
   * once the server has answered with the audio (so it is reachable and will
   * serve this account) the session opens at once; its media path resolves to
   * the server's audio with the account's token (`remoteAudio`) until the file
   * is in. Offline or signed out, such a track is `unavailable`. The guard's
   * rules are the same either way: the renderer reports what it played.
   */
  function wrapPlayerOpen(open: CallHandlers['player.open']): CallHandlers['player.open'] {
    return async (input) => {
      let streamed = false;
      if (input.source === 'coop') {
        const track = stream2own.catalog.get(input.trackId);
        if (track) {
          // Before any download starts: an unpublished track plays only for its owners (and rightsholders).
          if (!isVisibleTrack(track)) throw new CallError('not_found', UNPUBLISHED_MESSAGE);
          if (!track.localFile || !existsSync(track.localFile)) {
            if (store.trackMeta(input.trackId)?.hasAudio === false)
              throw new CallError('unavailable', 'The co-op has no audio for this track yet.');
            await withServer('stream this track, which is not downloaded to this device', async (api) => {
              const pending = downloads.begin(input.trackId, api);
              pending.done.then(
                (entry) =>
                  log.info(
                    { trackId: entry.trackId, sizeBytes: entry.sizeBytes },
                    'downloaded a streamed track',
                  ),
                (error: unknown) =>
                  log.warn(
                    { err: error, trackId: input.trackId },
                    'the background download failed; the next play streams it again',
                  ),
              );
              await pending.started;
            });
            // A small file on a fast line may be in already: then it opens as a file.
            streamed = downloads.fileOf(input.trackId) === null;
          } else downloads.touch(input.trackId);
        }
      }
      const opened = streamed ? stream2own.openCoopStream(input.trackId) : await open(input);
      if (input.source === 'coop') openSessions.set(opened.sessionId, input.trackId);
      return opened;
    };
  }

  /**
   * The server's audio of a co-op track with the signed-in session's token,
   * for the `track` media resolver (only asked for a live session of a track
   * that is not downloaded). Null when signed out: the media path answers 404.
   */
  async function remoteAudio(trackId: string): Promise<RemoteMedia | null> {
    let conn;
    try {
      conn = await connection();
    } catch {
      return null;
    }
    // An uncounted preview may fetch only about its first 45 s (docs/listening-guard.md).
    const limit = stream2own.coopMediaLimit(trackId, downloads.sizeOf(trackId));
    return {
      kind: 'remote',
      ...conn.api.audioSource(trackId),
      contentType: 'application/octet-stream',
      ...(limit !== null ? { limitBytes: limit } : {}),
    };
  }

  /**
   * For other domains (the artist's publishing and earnings): one request to
   * the signed-in account's server with its session token. Not signed in:
   * `CallError('unavailable')`; network trouble: `SyncApiError` (retryable);
   * any HTTP status is answered, not thrown. A 401 is answered too: the next
   * sync notices the ended session.
   */
  async function authenticatedRequest(
    method: string,
    path: string,
    init?: RawRequestInit,
  ): Promise<RawAnswer> {
    let conn;
    try {
      conn = await connection();
    } catch (error) {
      throw callError(error, 'reach the co-op server');
    }
    return conn.api.raw(method, path, init);
  }

  return {
    handlers,
    wrapPlayerOpen,
    remoteAudio,
    authenticatedRequest,
    downloads,
    store,
    status,
    accountStatus,
    scheduler,
    /** Runs one sync now (tests, CLI). */
    syncNow: () => scheduler.now(),
    /** Starts the engine if an account is signed in: a sync at once, then on the interval. */
    start(): void {
      if (accountStatus().signedIn) scheduler.start();
      else emitStatus();
    },
    async close(): Promise<void> {
      scheduler.stop();
      unsubscribe();
      await downloads.close();
      const server = bundled;
      bundled = null;
      if (server) await (await server.catch(() => null))?.close();
    },
  };
}

function clampPercent(n: number): number {
  return Math.max(0, Math.min(100, Math.floor(n)));
}

export type SyncDomain = ReturnType<typeof createSyncDomain>;
