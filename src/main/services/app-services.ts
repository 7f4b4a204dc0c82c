import { join } from 'node:path';
import type { Settings } from '../../shared/settings';
import type { Clock } from './core/clock';
import { createDispatcher, type CallHandlers } from './core/dispatcher';
import { closeInTurn } from './core/close-in-turn';
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

/** What every domain shares: the one database, events, settings, media routes. */
function openCore(options: AppServicesOptions) {
  const db: Db = openDatabase(join(options.dataDir, 'library.sqlite'));
  migrate(db, allMigrations);
  const events = new EventHub();
  const settings = new SettingsService(options.settingsBackend);
  settings.onChange((s: Settings) => events.emit('settings.changed', s));
  const playerSession = new PlayerSessionStore(join(options.dataDir, 'player-session.json'), options.logger);
  const media: MediaRouter = createMediaRouter();
  return { db, events, settings, playerSession, media, clock: options.clock, logger: options.logger };
}
type Core = ReturnType<typeof openCore>;

/** The domains that work offline: the library and its analysis, stream to own, the DJ's tools, release previews. */
function localDomains(options: AppServicesOptions, core: Core) {
  const { db, events, settings, clock, logger, media } = core;
  const { dataDir } = options;
  const library = createLibraryDomain({
    ...{ db, settings, events, clock, logger, dataDir, media },
    scanWorker: options.scanWorker,
  });
  const analysis = createLibraryAnalysisDomain({
    ...{ db, events, clock, logger },
    fileForTrack: (trackId) => library.fileForTrack(trackId),
    analysisWorker: options.analysisWorker,
  });
  const stream2own = createStream2OwnDomain({
    ...{ db, dataDir, clock, logger, events },
    local: library,
    keyProtector: options.keyProtector,
    mediaUrl: (mediaPath) => options.host.mediaUrl(mediaPath),
  });
  const release = createReleaseDomain({
    ...{ media, events, logger },
    scratchDir: join(dataDir, 'release-drafts'),
    analysisWorker: options.analysisWorker,
  });
  const dj = createDjDomain({ db, events, clock, logger, dataDir, appVersion: options.appVersion });
  return { library, analysis, stream2own, release, dj };
}
type Local = ReturnType<typeof localDomains>;

/** The domains that talk to the account's server: sync, the public log check, the artist's side, the co-op node. */
function accountDomains(options: AppServicesOptions, core: Core, local: Local) {
  const { db, events, settings, clock, logger } = core;
  const { dataDir } = options;
  // The public log check runs after each sync (src/main/services/tlog); made just below, with the sync's requests.
  let tlog: TlogDomain | null = null;
  const sync = createSyncDomain({
    ...{ db, dataDir, clock, logger, events, settings },
    stream2own: local.stream2own,
    keyProtector: options.keyProtector,
    startBundledServer: options.startBundledServer,
    confirmPurchase: options.host.confirmPurchase,
    afterSync: (info) => tlog?.afterSync(info) ?? Promise.resolve(),
    ...options.sync,
  });
  const tlogDomain = createTlogDomain({
    ...{ db, dataDir, clock, logger, events },
    serverKey: () => settings.get().syncServerUrl || 'bundled',
    request: (path) => sync.authenticatedRequest('GET', path),
  });
  tlog = tlogDomain;
  const artist = createArtistDomain({
    ...{ db, clock, logger, events },
    request: sync.authenticatedRequest,
    release: local.release.service,
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
      sync.store.signedIn(key, user, clock.nowMs());
      events.emit('account.changed', sync.accountStatus());
    },
  });
  return { sync, tlog: tlogDomain, artist, coopNode };
}
type Account = ReturnType<typeof accountDomains>;

/** Track media: local files, downloaded co-op tracks, or (not downloaded yet) streamed for the live session only. */
function registerTrackMedia(core: Core, local: Local, account: Account): void {
  const { library, stream2own } = local;
  core.media.register(
    'track',
    createTrackMediaResolver({
      localFile: (trackId) => library.fileForTrack(trackId),
      coopFile: (trackId, sessionId) => stream2own.coopFile(trackId, sessionId),
      coopRemote: (trackId, sessionId) =>
        stream2own.coopSessionLive(trackId, sessionId) ? account.sync.remoteAudio(trackId) : null,
    }),
  );
}

/** Every contract call's handler: the app's own few, then each domain's. */
function handlersOf(options: AppServicesOptions, core: Core, local: Local, account: Account): CallHandlers {
  const { host } = options;
  return {
    'app.info': () => ({
      name: 'Resonate',
      version: options.appVersion,
      host: host.kind,
      platform: process.platform,
      dataDir: options.dataDir,
      mediaUrlTemplate: host.mediaUrl('{path}'),
    }),
    'dialog.pickFolder': ({ title }) => host.pickFolder(title),
    'settings.get': () => core.settings.get(),
    'settings.update': (patch) => core.settings.update(patch),
    'playerSession.get': () => core.playerSession.get(),
    'playerSession.save': (session) => core.playerSession.save(session),
    ...local.library.handlers,
    ...local.analysis.handlers,
    ...local.stream2own.handlers,
    ...account.sync.handlers,
    ...local.release.handlers,
    ...local.dj.handlers,
    ...account.artist.handlers,
    ...account.tlog.handlers,
    ...account.coopNode.handlers,
    // Co-op tracks not on this device are streamed and downloaded in the background (docs/sync.md).
    'player.open': account.sync.wrapPlayerOpen(local.stream2own.handlers['player.open']),
  };
}

/**
 * Builds every main-process service and the handlers for every contract
 * call. Electron's adapter and the web host both call this, so the renderer
 * talks to the same code whichever host it runs in.
 */
export function createAppServices(options: AppServicesOptions) {
  const core = openCore(options);
  const local = localDomains(options, core);
  const account = accountDomains(options, core, local);
  registerTrackMedia(core, local, account);
  const dispatch = createDispatcher(handlersOf(options, core, local, account), options.logger);
  account.sync.start();
  const { db, events, settings, media, logger } = core;
  return {
    ...{ db, events, settings, media, logger, dispatch },
    ...local,
    ...account,
    /** Stops every service, the database last; a part that hangs is logged and left behind (closeInTurn). */
    async close(): Promise<void> {
      await closeInTurn(
        [
          { name: 'sync and downloads', run: () => account.sync.close() },
          { name: 'library analysis', run: () => local.analysis.close() },
          { name: 'library scan and watch', run: () => local.library.close() },
          { name: 'release preview', run: () => local.release.close() },
          { name: 'DJ exports', run: () => local.dj.close() },
          // SQLite's advice for long-lived connections: keep the planner's statistics fresh on the way out.
          { name: 'planner statistics', run: () => refreshPlannerStatistics(db) },
          { name: 'database', run: () => db.close() },
        ],
        logger,
      );
    },
  };
}

export type AppServices = ReturnType<typeof createAppServices>;
