import { join } from 'node:path';
import type { Settings } from '../../shared/settings';
import type { Clock } from './core/clock';
import { createDispatcher, type CallHandlers } from './core/dispatcher';
import { EventHub } from './core/events';
import type { Logger } from './core/logger';
import { openDatabase, migrate, refreshPlannerStatistics, type Db } from './db/database';
import { allMigrations } from './db/migrations';
import { SettingsService, type SettingsBackend } from './settings/settings-service';
import { PlayerSessionStore } from './player-session/player-session-store';
import type { MediaRouter } from './media/media-router';
import { createMediaRouter } from './media/media-router';
import { createLibraryDomain, type ScanWorkerEntry } from './library';
import { createTrackMediaResolver } from './media/track-media';
import { createStream2OwnDomain } from './stream2own/domain';
import type { KeyProtector } from './wallet/device-identity';
import { BUNDLED_SERVER_DIR, createSyncDomain, type SyncDomainDeps } from './sync/domain';
import { createReleaseDomain, type AnalysisWorkerEntry } from './release';
import { createDjDomain } from './dj';
import { createArtistDomain } from './artist';
import { createTlogDomain, type TlogDomain } from './tlog/domain';
import { createCoopNodeDomain } from './coop-node';
import { createLibraryAnalysisDomain } from './library/analysis/analysis-domain';

/** What a host (Electron or the web host) provides that services cannot do themselves. */
export interface HostAdapter {
  readonly kind: 'electron' | 'web';
  /** The OS folder picker; null where there is none. */
  pickFolder(title?: string): Promise<string | null>;
  /** The URL under which the renderer can load a media path, e.g. `track/local/12`. */
  mediaUrl(mediaPath: string): string;
  /**
   * Asks the listener, in the host's own UI, to confirm a purchase the renderer asked for (Electron: a native
   * dialog owned by the main process), so a compromised renderer cannot spend credits on its own. A host
   * without one (the web host, a loopback page behind its own token) relies on the page's confirm step.
   */
  confirmPurchase?: SyncDomainDeps['confirmPurchase'];
}

export interface AppServicesOptions {
  dataDir: string;
  clock: Clock;
  logger: Logger;
  settingsBackend: SettingsBackend;
  host: HostAdapter;
  appVersion: string;
  /** Where the library's scan worker is (the bundled host's own entry); default: next to the source. */
  scanWorker?: ScanWorkerEntry;
  /** Where the release checks' audio-analysis worker is (the bundled host's own entry); default: next to the source. */
  analysisWorker?: AnalysisWorkerEntry;
  /** Wraps the device's receipt-signing key at rest (Electron: safeStorage); default: a 0600 file. */
  keyProtector?: KeyProtector;
  /** Starts the bundled co-op server when no server URL is set (the hosts pass src/server/bundled.ts); none: a remote server only. */
  startBundledServer?: SyncDomainDeps['startBundledServer'];
  /** The sync engine's network, timers and pace (tests); the server URL is the `syncServerUrl` setting. */
  /** Publishing uploads: bytes per chunk and the wait between retries (tests). */
  artist?: { chunkBytes?: number; retryDelayMs?: number };
  sync?: Partial<
    Pick<
      SyncDomainDeps,
      | 'fetch'
      | 'timers'
      | 'random'
      | 'deviceName'
      | 'requestTimeoutMs'
      | 'intervalMs'
      | 'afterPlayDelayMs'
      | 'baseBackoffMs'
      | 'maxBackoffMs'
      | 'batchSize'
      | 'autoStart'
    >
  >;
}

/**
 * Builds every main-process service and the handlers for every contract
 * call. Electron's adapter and the web host both call this, so the renderer
 * talks to the same code whichever host it runs in.
 */
export function createAppServices(options: AppServicesOptions) {
  const { dataDir, logger, host } = options;
  const db: Db = openDatabase(join(dataDir, 'library.sqlite'));
  migrate(db, allMigrations);
  const events = new EventHub();
  const settings = new SettingsService(options.settingsBackend);
  settings.onChange((s: Settings) => events.emit('settings.changed', s));
  const playerSession = new PlayerSessionStore(join(dataDir, 'player-session.json'), logger);
  const media: MediaRouter = createMediaRouter();
  const library = createLibraryDomain({
    db,
    settings,
    events,
    clock: options.clock,
    logger,
    dataDir,
    media,
    scanWorker: options.scanWorker,
  });
  const analysis = createLibraryAnalysisDomain({
    db,
    events,
    clock: options.clock,
    logger,
    fileForTrack: (trackId) => library.fileForTrack(trackId),
    analysisWorker: options.analysisWorker,
  });
  const stream2own = createStream2OwnDomain({
    db,
    dataDir,
    clock: options.clock,
    logger,
    events,
    local: library,
    keyProtector: options.keyProtector,
    mediaUrl: (mediaPath) => host.mediaUrl(mediaPath),
  });
  // The public log check runs after each sync (src/main/services/tlog); made just below, with the sync's requests.
  let tlog: TlogDomain | null = null;
  const sync = createSyncDomain({
    db,
    dataDir,
    clock: options.clock,
    logger,
    events,
    settings,
    stream2own,
    keyProtector: options.keyProtector,
    startBundledServer: options.startBundledServer,
    confirmPurchase: options.host.confirmPurchase,
    afterSync: (info) => tlog?.afterSync(info) ?? Promise.resolve(),
    ...options.sync,
  });
  const tlogDomain = createTlogDomain({
    db,
    dataDir,
    clock: options.clock,
    logger,
    events,
    serverKey: () => settings.get().syncServerUrl || 'bundled',
    request: (path) => sync.authenticatedRequest('GET', path),
  });
  tlog = tlogDomain;
  media.register(
    'track',
    createTrackMediaResolver({
      localFile: (trackId) => library.fileForTrack(trackId),
      coopFile: (trackId, sessionId) => stream2own.coopFile(trackId, sessionId),
      // Not downloaded (yet): streamed from the server, for the live session only.
      coopRemote: (trackId, sessionId) =>
        stream2own.coopSessionLive(trackId, sessionId) ? sync.remoteAudio(trackId) : null,
    }),
  );
  const release = createReleaseDomain({
    scratchDir: join(dataDir, 'release-drafts'),
    media,
    events,
    logger,
    analysisWorker: options.analysisWorker,
  });
  const artist = createArtistDomain({
    db,
    clock: options.clock,
    logger,
    events,
    request: sync.authenticatedRequest,
    release: release.service,
    log: { trustedKey: () => tlogDomain.trustedKey(), kept: () => tlogDomain.kept() },
    ...options.artist,
  });
  const coopNode = createCoopNodeDomain({
    logger,
    bundledDataDir: join(dataDir, BUNDLED_SERVER_DIR),
    request: sync.authenticatedRequest,
    account: () => sync.accountStatus(),
    syncNow: () => sync.syncNow(),
    // A role or artist given since sign-in: stored as the sign-in stored it (same listener: nothing else changes).
    accountChanged: (user) => {
      const key = sync.store.account().serverKey;
      if (!key || sync.store.account().userId !== user.id) return;
      sync.store.signedIn(key, user, options.clock.nowMs());
      events.emit('account.changed', sync.accountStatus());
    },
  });
  const dj = createDjDomain({
    db,
    events,
    clock: options.clock,
    logger,
    dataDir,
    appVersion: options.appVersion,
  });

  const handlers: CallHandlers = {
    'app.info': () => ({
      name: 'Resonate',
      version: options.appVersion,
      host: host.kind,
      platform: process.platform,
      dataDir,
      mediaUrlTemplate: host.mediaUrl('{path}'),
    }),
    'dialog.pickFolder': ({ title }) => host.pickFolder(title),
    'settings.get': () => settings.get(),
    'settings.update': (patch) => settings.update(patch),
    'playerSession.get': () => playerSession.get(),
    'playerSession.save': (session) => playerSession.save(session),
    ...library.handlers,
    ...analysis.handlers,
    ...stream2own.handlers,
    ...sync.handlers,
    ...release.handlers,
    ...dj.handlers,
    ...artist.handlers,
    ...tlogDomain.handlers,
    ...coopNode.handlers,
    // Co-op tracks not on this device are streamed and downloaded in the background (docs/sync.md).
    'player.open': sync.wrapPlayerOpen(stream2own.handlers['player.open']),
  };

  const dispatch = createDispatcher(handlers, logger);
  sync.start();

  return {
    db,
    events,
    settings,
    media,
    library,
    analysis,
    stream2own,
    sync,
    release,
    dj,
    artist,
    coopNode,
    tlog: tlogDomain,
    dispatch,
    logger,
    async close(): Promise<void> {
      await sync.close();
      await analysis.close();
      await library.close();
      await release.close();
      await dj.close();
      // SQLite's advice for long-lived connections: keep the planner's statistics fresh on the way out.
      refreshPlannerStatistics(db);
      db.close();
    },
  };
}

export type AppServices = ReturnType<typeof createAppServices>;
