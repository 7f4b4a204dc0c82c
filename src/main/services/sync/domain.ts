import { CallError } from '../../../shared/contract/define';
import type { syncCalls } from '../../../shared/contract/sync';
import type { CallHandler, CallHandlers } from '../core/dispatcher';
import { migrate } from '../db/database';
import { realTimers, type RawRequestInit } from './api-client';
import { signInWith, signOut } from './account-calls';
import { accountStatus, emitStatus, serverKey, syncStatus, withServer } from './connection';
import { Downloads } from './downloads';
import { runSync } from './engine';
import { syncMigrations } from './migrations';
import { buyRelease, buyRest, membership, releaseOffer, trackOffer } from './purchase-calls';
import { PurchaseQuotes } from './quotes';
import { SyncScheduler } from './scheduler';
import { SessionStore } from './session-store';
import { SyncStore } from './sync-store';
import type { SyncDomainDeps, SyncParts } from './sync-parts';
import { authenticatedRequest, remoteAudio, requireTrack, trackDetails, wrapPlayerOpen } from './track-calls';

export { BUNDLED_SERVER_DIR } from './connection';
export type { BundledServer, SyncDomainDeps } from './sync-parts';

/**
 * The co-op account, the sync engine, downloads and the server-side wallet
 * calls, wired. See docs/sync.md for the guarantees; in short: a receipt
 * leaves the outbox only in the same local transaction that stores the
 * server's answer to it, and is resent as stored until then.
 *
 * Each call is its own function of the domain's parts (`sync-parts.ts`):
 * `connection.ts` (server, session, status), `engine.ts` (one sync),
 * `account-calls.ts`, `purchase-calls.ts`, `track-calls.ts`; this factory
 * builds the parts once and wires them (docs/architecture.md, "Handlers").
 */

export type SyncCallName = keyof typeof syncCalls;

function handlersOf(p: SyncParts): { [N in SyncCallName]: CallHandler<N> } {
  const { store, downloads, scheduler } = p;
  const { stream2own } = p.deps;
  return {
    'account.status': () => accountStatus(p),
    'account.signUp': ({ email, password }) => signInWith(p, 'sign up', email, password),
    'account.signIn': ({ email, password }) => signInWith(p, 'sign in', email, password),
    'account.signOut': () => signOut(p),
    'sync.status': () => syncStatus(p),
    'sync.now': async () => {
      await scheduler.now();
      return syncStatus(p);
    },
    'sync.corrections': ({ limit, markSeen }) => {
      const corrections = store.corrections(limit);
      if (markSeen) {
        store.markCorrectionsSeen();
        emitStatus(p);
      }
      return { corrections };
    },
    'coop.download': async ({ trackId, pin }) => {
      requireTrack(p, trackId, { visible: true });
      return withServer(p, 'download the track', (api) => downloads.ensure(trackId, api, { pin }));
    },
    'coop.removeDownload': ({ trackId }) => ({ removed: downloads.remove(trackId) }),
    'coop.pin': ({ trackId, pinned }) => {
      const entry = downloads.pin(trackId, pinned);
      if (!entry) throw new CallError('not_found', 'That track is not downloaded.');
      return entry;
    },
    'downloads.status': () => downloads.status(),
    'downloads.setLimit': ({ limitBytes }) => downloads.setLimit(limitBytes),
    'coop.trackDetails': ({ trackId }) => trackDetails(p, trackId),
    'wallet.redeemVoucher': async ({ code }) => {
      const answer = await withServer(p, 'redeem the voucher', (api) => api.redeemVoucher(code));
      await scheduler.now(); // brings the balance and a new allowance
      return { ...answer, wallet: stream2own.summary() };
    },
    'wallet.quote': (input) =>
      p.quotes.issue(
        input.kind === 'track' ? trackOffer(p, input.trackId) : releaseOffer(p, input.releaseId),
      ),
    'wallet.buyRest': (input) => buyRest(p, input),
    'wallet.buyRelease': (input) => buyRelease(p, input),
    'wallet.ledger': async ({ limit, before }) => {
      const answer = await withServer(p, 'load the ledger', (api) => api.ledger(before, limit));
      return {
        entries: answer.entries.map(({ createdAt, ...e }) => ({ ...e, createdAtMs: createdAt })),
        nextBefore: answer.nextBefore,
      };
    },
    'wallet.membership': ({ year }) => membership(p, year),
  };
}

/** Builds the parts once: stores, downloads (never evicting a track being played), the scheduler running `runSync`. */
function buildParts(deps: SyncDomainDeps): SyncParts {
  const { stream2own, clock } = deps;
  const timers = deps.timers ?? realTimers;
  const openSessions = new Map<string, string>();
  const p: SyncParts = {
    deps,
    log: deps.logger.child({ domain: 'sync' }),
    // The wallet's stores, on deps.db as well: their writes are part of the sync store's transactions.
    store: new SyncStore(
      deps.db,
      { wallet: stream2own.wallet, catalog: stream2own.catalog, outbox: stream2own.outbox },
      () => stream2own.identity().deviceId,
    ),
    quotes: new PurchaseQuotes(clock),
    sessions: new SessionStore(deps.dataDir, deps.keyProtector),
    timers,
    batchSize: deps.batchSize ?? 200,
    openSessions,
    downloads: new Downloads(deps.db, deps.dataDir, clock, stream2own.catalog, () => {
      const live = new Set<string>();
      for (const [sessionId, trackId] of openSessions) {
        if (stream2own.guard.liveSession(sessionId)) live.add(trackId);
        else openSessions.delete(sessionId);
      }
      return live;
    }),
    engine: { state: 'signed_out', lastAttemptAtMs: null, lastError: null },
    bundled: { server: null, url: null },
    scheduler: new SyncScheduler({
      clock,
      timers,
      random: deps.random ?? Math.random,
      run: () => runSync(p),
      intervalMs: deps.intervalMs,
      afterPlayDelayMs: deps.afterPlayDelayMs,
      baseBackoffMs: deps.baseBackoffMs,
      maxBackoffMs: deps.maxBackoffMs,
    }),
  };
  return p;
}

export function createSyncDomain(deps: SyncDomainDeps) {
  migrate(deps.db, syncMigrations);
  const p = buildParts(deps);
  const { stream2own } = deps;
  // The wallet row is spendable only for the server, listener and device it came from.
  stream2own.bindAccount(() => {
    const key = serverKey(p);
    const account = p.store.account();
    return { serverKey: key, userId: account.serverKey === key ? account.userId : null };
  });
  const unsubscribe = deps.events.subscribe((name, payload) => {
    if (name !== 'player.playCounted') return;
    const counted = payload as { source: string; receiptId: string | null };
    if (counted.source !== 'coop') return;
    if (counted.receiptId) p.scheduler.playCounted();
    emitStatus(p);
  });

  return {
    handlers: handlersOf(p),
    wrapPlayerOpen: (open: CallHandlers['player.open']) => wrapPlayerOpen(p, open),
    remoteAudio: (trackId: string) => remoteAudio(p, trackId),
    authenticatedRequest: (method: string, path: string, init?: RawRequestInit) =>
      authenticatedRequest(p, method, path, init),
    downloads: p.downloads,
    store: p.store,
    status: () => syncStatus(p),
    accountStatus: () => accountStatus(p),
    scheduler: p.scheduler,
    /** Runs one sync now (tests, CLI). */
    syncNow: () => p.scheduler.now(),
    /** Starts the engine if an account is signed in: a sync at once, then on the interval. */
    start(): void {
      if (accountStatus(p).signedIn) p.scheduler.start();
      else emitStatus(p);
    },
    async close(): Promise<void> {
      p.scheduler.stop();
      unsubscribe();
      await p.downloads.close();
      const server = p.bundled.server;
      p.bundled.server = null;
      if (server) await (await server.catch(() => null))?.close();
    },
  };
}

export type SyncDomain = ReturnType<typeof createSyncDomain>;
