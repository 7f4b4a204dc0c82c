import type { SyncStateName, SyncStatus } from '../../../shared/contract/sync';
import type { Settings } from '../../../shared/settings';
import type { Clock } from '../core/clock';
import type { EventHub } from '../core/events';
import type { Logger } from '../core/logger';
import type { Db } from '../db/database';
import type { Stream2OwnDomain } from '../stream2own/domain';
import type { KeyProtector } from '../wallet/device-identity';
import type { FetchLike, Timers } from './api-client';
import type { Downloads } from './downloads';
import type { PurchaseQuotes, Quote } from './quotes';

/** What the host shows the listener before a purchase: the item and its exact price. */
export type PurchaseToConfirm = Pick<Quote, 'kind' | 'itemId' | 'title' | 'priceThousandths'>;
import type { SyncScheduler } from './scheduler';
import type { SessionStore } from './session-store';
import type { SyncStore } from './sync-store';

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
  /**
   * The host's own confirmation of a purchase (see HostAdapter.confirmPurchase): false, nothing is bought.
   * None: the quote the renderer presents is the only confirmation.
   */
  confirmPurchase?: (purchase: PurchaseToConfirm) => Promise<boolean>;
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

/** What the engine last did, as `sync.status` tells it. */
export interface EngineState {
  state: SyncStateName;
  lastAttemptAtMs: number | null;
  lastError: SyncStatus['lastError'];
}

/**
 * The stores, services and the engine's state the sync calls share, built
 * once by `createSyncDomain`; each call is a function of these parts.
 */
export interface SyncParts {
  deps: SyncDomainDeps;
  log: Logger;
  store: SyncStore;
  quotes: PurchaseQuotes;
  sessions: SessionStore;
  timers: Timers;
  batchSize: number;
  /** Co-op sessions opened through here, so eviction never takes the track being played. */
  openSessions: Map<string, string>;
  downloads: Downloads;
  engine: EngineState;
  /** The bundled server once asked for (started lazily), and its URL once it runs. */
  bundled: { server: Promise<BundledServer> | null; url: string | null };
  scheduler: SyncScheduler;
}

/** Events never break a sync: a bad payload is logged. */
export function emitSafely(p: SyncParts, fn: () => void): void {
  try {
    fn();
  } catch (error) {
    p.log.error({ err: error }, 'could not emit a sync event');
  }
}

export function emitWallet(p: SyncParts): void {
  emitSafely(p, () => p.deps.events.emit('wallet.changed', p.deps.stream2own.summary()));
}
