import { existsSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { CallError } from '../../../shared/contract/define';
import type { ScanStatus, WatchState } from '../../../shared/contract/library';
import type { Settings } from '../../../shared/settings';
import type { Clock } from '../core/clock';
import type { EventHub } from '../core/events';
import type { Logger } from '../core/logger';
import { refreshPlannerStatistics, type Db } from '../db/database';
import { typedDb, type TypedDb } from '../db/typed-query';
import { contentTypeFor } from '../media/media-router';
import type { SettingsService } from '../settings/settings-service';
import { CoverCache } from './covers';
import { chokidarWatchFactory, FolderWatcher, type WatchFactory } from './folder-watcher';
import { LibraryQueries } from './library-queries';
import { LibraryWriter } from './scan/library-writer';
import { aliasFor } from './scan/paths';
import { relocateTrack, type RelocateResult } from './relocate';
import { runScan, type ScanSummary } from './scan/scanner';
import { emptySummary } from './scan/scan-types';
import { ScanStateStore } from './scan/scan-state';
import type { LibraryTables } from './tables';
import { defaultScanWorkerEntry, ScanWorkerPool, type ScanWorkerEntry } from './scan/worker-pool';

export interface LibraryDeps {
  db: Db;
  settings: SettingsService;
  events: EventHub;
  clock: Clock;
  logger: Logger;
  dataDir: string;
  /** Where the scan worker's code is; see `defaultScanWorkerEntry`. */
  scanWorker?: ScanWorkerEntry;
  /** Worker threads for scanning (default: one per core, 2 to 8; the main thread only writes). */
  workers?: number;
  /** A file taking longer than this to read is listed as a problem (default 20 s). */
  fileTimeoutMs?: number;
  /** false: no watching (CLI, tests); or a factory (tests). Default: chokidar. */
  watch?: false | WatchFactory;
  watchDebounceMs?: number;
  pollIntervalMs?: number;
  /** Resume a scan left half-done by a crash or quit (default true). */
  resumeOnStart?: boolean;
  /** Scan a folder as soon as it is added (default true; the CLI scans itself). */
  scanNewFolders?: boolean;
}

/** What the player needs to play a local file. */
export interface PlayableFile {
  path: string;
  contentType: string;
  durationMs: number;
  replayGain: {
    trackGainDb: number | null;
    trackPeak: number | null;
    albumGainDb: number | null;
    albumPeak: number | null;
  };
}

interface RunningScan {
  controller: AbortController;
  /** Aborted by `close()`: an interruption, resumed at next start, not a user's cancel. */
  interrupted: boolean;
  done: Promise<ScanSummary>;
}

/**
 * The local library: folders, scans, watching, and the questions the UI
 * and the player ask. One scan runs at a time; asking for another while one
 * runs queues its folders for right after.
 */
export class LibraryService {
  readonly queries: LibraryQueries;
  private readonly db: TypedDb<LibraryTables>;
  private readonly writer: LibraryWriter;
  private readonly scanState: ScanStateStore;
  private readonly covers: CoverCache;
  private readonly watcher: FolderWatcher | null;
  private running: RunningScan | null = null;
  private queuedFolderIds = new Set<number>();
  private status: ScanStatus = {
    state: 'idle',
    phase: null,
    done: 0,
    total: 0,
    rate: 0,
    currentFolder: null,
    last: null,
  };
  private lastChangedAt = -Infinity;
  private closed = false;
  private readonly unsubscribeSettings: () => void;

  constructor(private readonly deps: LibraryDeps) {
    this.db = typedDb<LibraryTables>(deps.db);
    this.queries = new LibraryQueries(deps.db);
    this.writer = new LibraryWriter(deps.db);
    this.scanState = new ScanStateStore(deps.db);
    this.covers = new CoverCache(join(deps.dataDir, 'covers'));
    this.watcher =
      deps.watch === false
        ? null
        : new FolderWatcher({
            factory: deps.watch ?? chokidarWatchFactory,
            debounceMs: deps.watchDebounceMs ?? 2000,
            pollIntervalMs: deps.pollIntervalMs ?? 10 * 60_000,
            rescan: (folder) => this.rescanFolderPath(folder),
            onState: (state) => deps.events.emit('library.watchState', state),
          });
    this.unsubscribeSettings = deps.settings.onChange((s) => this.syncFolders(s.libraryFolders));
  }

  /** Brings folders in line with settings, watches them, and resumes an interrupted scan. */
  start(): void {
    const fromSettings = this.deps.settings.get().libraryFolders;
    const known = this.queries.folders().map((f) => f.path);
    if (fromSettings.length === 0 && known.length > 0) {
      // Settings lost or reset: the library remembers its folders; restore rather than wipe.
      this.deps.settings.update({ libraryFolders: known });
    } else {
      this.syncFolders(fromSettings);
    }
    const interrupted = this.scanState.interrupted();
    if (interrupted && this.deps.resumeOnStart !== false) {
      this.deps.logger.info({ folders: interrupted.folderIds }, 'resuming an interrupted library scan');
      this.startScan(interrupted.folderIds);
    }
  }

  // ---- folders ----

  addFolder(path: string) {
    const folder = resolve(path);
    let isDir = false;
    try {
      isDir = statSync(folder).isDirectory();
    } catch {
      // reported below
    }
    if (!isDir) throw new CallError('not_found', `Not a folder: ${folder}`);
    const current = this.deps.settings.get().libraryFolders;
    const overlap = current.find(
      (f) => f === folder || folder.startsWith(f + sep) || f.startsWith(folder + sep),
    );
    if (overlap) throw new CallError('conflict', `Overlaps a library folder already added: ${overlap}`);
    this.deps.settings.update({ libraryFolders: [...current, folder] });
    return this.queries.folders();
  }

  removeFolder(path: string) {
    const folder = resolve(path);
    const current = this.deps.settings.get().libraryFolders;
    if (!current.includes(folder)) throw new CallError('not_found', `Not a library folder: ${folder}`);
    this.deps.settings.update({ libraryFolders: current.filter((f) => f !== folder) });
    return this.queries.folders();
  }

  private syncFolders(paths: string[]): void {
    if (this.closed) return;
    const wanted = new Set(paths.map((p) => resolve(p)));
    const rows = this.queries.folders();
    const removed = rows.filter((r) => !wanted.has(r.path));
    const added: number[] = [];
    const { q } = this.db;
    this.writer.transaction(() => {
      for (const row of removed) this.db.run(q.deleteFrom('library_folders').where('id', '=', row.id));
      for (const path of wanted) {
        if (rows.some((r) => r.path === path)) continue;
        const info = this.db.run(
          q.insertInto('library_folders').values({ path, added_at: this.deps.clock.nowMs() }),
        );
        added.push(Number(info.lastInsertRowid));
      }
      if (removed.length) this.writer.deleteOrphans();
    });
    this.watcher?.setFolders([...wanted]);
    if (removed.length || added.length) this.deps.events.emit('library.changed', { reason: 'folders' });
    if (added.length && this.deps.scanNewFolders !== false) this.startScan(added);
  }

  // ---- scanning ----

  scanStatus(): ScanStatus {
    return structuredClone(this.status);
  }

  watchState(): WatchState {
    return this.watcher?.state ?? { mode: 'off', reason: null, pollIntervalMs: null };
  }

  /** Starts a scan (all folders by default) and answers at once. */
  startScan(folderIds?: number[]): ScanStatus {
    if (this.closed) throw new CallError('unavailable', 'The library is closed.');
    const all = this.queries.folders().map((f) => f.id);
    const ids = (folderIds ?? all).filter((id) => all.includes(id));
    if (this.running) {
      ids.forEach((id) => this.queuedFolderIds.add(id));
      return this.scanStatus();
    }
    if (ids.length === 0) return this.scanStatus();
    const controller = new AbortController();
    const run: RunningScan = { controller, interrupted: false, done: Promise.resolve(null as never) };
    run.done = this.runScan(ids, run);
    this.running = run;
    run.done.catch(() => undefined);
    return this.scanStatus();
  }

  /** Runs a scan to its end; for the CLI and tests. */
  async scanAndWait(folderIds?: number[]): Promise<ScanSummary> {
    await this.waitForIdle();
    this.startScan(folderIds);
    const run = this.running as RunningScan | null;
    if (!run) return emptySummary();
    const summary = await run.done;
    await this.waitForIdle();
    return summary;
  }

  async waitForIdle(): Promise<void> {
    while (this.running) await this.running.done.catch(() => undefined);
  }

  cancelScan(): ScanStatus {
    this.queuedFolderIds.clear();
    this.running?.controller.abort();
    return this.scanStatus();
  }

  private rescanFolderPath(path: string): void {
    const folder = this.queries.folders().find((f) => f.path === path);
    if (folder && !this.closed) this.startScan([folder.id]);
  }

  private async runScan(folderIds: number[], run: RunningScan): Promise<ScanSummary> {
    const { clock, logger, events } = this.deps;
    const folders = this.queries.folders().filter((f) => folderIds.includes(f.id));
    this.scanState.begin(folderIds, clock.nowMs());
    this.setStatus({ state: 'scanning', phase: 'listing', done: 0, total: 0, rate: 0, currentFolder: null });
    // Started on the first file to read: a rescan with nothing new starts no thread.
    let pool: ScanWorkerPool | null = null;
    const startPool = () =>
      new ScanWorkerPool({
        entry: this.deps.scanWorker ?? defaultScanWorkerEntry(),
        size: this.deps.workers ?? Math.min(8, Math.max(2, cpus().length)),
        inFlightPerWorker: 256,
        timeoutMs: this.deps.fileTimeoutMs ?? 20_000,
      });
    // A folder never scanned has everything to read: its workers start loading now, while its files are listed.
    if (folders.some((f) => f.lastScanAt === null)) pool = startPool();
    let summary: ScanSummary;
    try {
      summary = await runScan({
        writer: this.writer,
        folders,
        read: (file) => (pool ??= startPool()).read(file),
        clock,
        aliasDir: join(this.deps.dataDir, 'aliases'),
        signal: run.controller.signal,
        onProgress: (p) => {
          this.setStatus({ state: 'scanning', ...p });
          this.changed();
        },
      });
      if (summary.added + summary.updated + summary.moved + summary.missing >= 1000) this.optimize();
      if (run.interrupted) {
        // Leave the state 'running' so the next start resumes.
      } else {
        this.scanState.finish(summary.cancelled ? 'cancelled' : 'done', clock.nowMs());
      }
      logger.info({ summary }, 'library scan finished');
    } catch (error) {
      logger.error({ err: error }, 'library scan failed');
      if (!run.interrupted) this.scanState.finish('failed', clock.nowMs());
      summary = { ...emptySummary(), cancelled: true };
    } finally {
      await (pool as ScanWorkerPool | null)?.close();
    }
    this.running = null;
    this.setStatus({ state: 'idle', phase: null, currentFolder: null, last: summary });
    if (!this.closed) events.emit('library.changed', { reason: 'scan' });
    const queued = [...this.queuedFolderIds];
    this.queuedFolderIds.clear();
    if (queued.length && !this.closed) this.startScan(queued);
    return summary;
  }

  /**
   * After a scan changed many rows: refreshes the planner's statistics where
   * they are stale (a first scan leaves the tables' stats from when they
   * were empty). Bounded by analysis_limit: milliseconds at 100,000 tracks.
   */
  private optimize(): void {
    const { db, logger } = this.deps;
    const started = performance.now();
    try {
      refreshPlannerStatistics(db);
    } catch (error) {
      logger.warn({ err: error }, 'PRAGMA optimize failed');
    }
    logger.info({ ms: Math.round(performance.now() - started) }, 'library statistics refreshed');
  }

  private setStatus(patch: Partial<ScanStatus>): void {
    this.status = { ...this.status, ...patch };
    if (!this.closed) this.deps.events.emit('library.scanProgress', this.scanStatus());
  }

  /** Tells the UI to refetch while a long scan adds rows, at most every 2 s. */
  private changed(): void {
    const now = this.deps.clock.monotonicMs();
    if (now - this.lastChangedAt < 2000) return;
    this.lastChangedAt = now;
    this.deps.events.emit('library.changed', { reason: 'scan' });
  }

  // ---- for the player and the media router ----

  /** The file to open for a track, or null if unknown or not on disk now. */
  fileForTrack(trackId: number): string | null {
    const row = this.db.get(
      this.db.q
        .selectFrom('library_tracks')
        .select(['path', 'path_bytes as pathBytes'])
        .where('id', '=', trackId),
    );
    if (!row) return null;
    try {
      const file = row.pathBytes ? aliasFor(join(this.deps.dataDir, 'aliases'), row.pathBytes) : row.path;
      return existsSync(file) ? file : null;
    } catch {
      return null;
    }
  }

  getPlayableFile(trackId: number): PlayableFile | null {
    const row = this.db.get(
      this.db.q
        .selectFrom('library_tracks')
        .select([
          'duration_ms as durationMs',
          'status',
          'rg_track_gain as trackGainDb',
          'rg_track_peak as trackPeak',
          'rg_album_gain as albumGainDb',
          'rg_album_peak as albumPeak',
        ])
        .where('id', '=', trackId),
    );
    if (!row || row.status !== 'ok') return null;
    const path = this.fileForTrack(trackId);
    if (!path) return null;
    const { durationMs, trackGainDb, trackPeak, albumGainDb, albumPeak } = row;
    return {
      path,
      contentType: contentTypeFor(path),
      durationMs,
      replayGain: { trackGainDb, trackPeak, albumGainDb, albumPeak },
    };
  }

  /** Counts a play of a local file (always free: it is the user's own file). */
  recordLocalPlay(trackId: number, atMs: number): boolean {
    const { changes } = this.db.run(
      this.db.q
        .updateTable('library_tracks')
        .set((eb) => ({ play_count: eb('play_count', '+', 1), last_played_at: Math.trunc(atMs) }))
        .where('id', '=', trackId),
    );
    if (changes > 0) this.deps.events.emit('library.changed', { reason: 'plays' });
    return changes > 0;
  }

  /** See `relocateTrack`: the track's file again, by content or tags, keeping its id and plays. */
  async relocate(trackId: number, path: string): Promise<RelocateResult> {
    const folders = this.queries.folders().map((f) => ({ id: f.id, path: f.path }));
    const result = await relocateTrack(
      { db: this.deps.db, writer: this.writer, folders, nowMs: this.deps.clock.nowMs() },
      trackId,
      path,
    );
    this.covers.invalidate(trackId);
    this.deps.events.emit('library.changed', { reason: 'relocate' });
    return result;
  }

  async cover(trackId: number) {
    return this.covers.coverFor(trackId, this.fileForTrack(trackId));
  }

  /**
   * Stops watching and scanning. A scan cut short here stays marked as
   * running, so the next start resumes it.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribeSettings();
    await this.watcher?.close();
    if (this.running) {
      this.running.interrupted = true;
      this.running.controller.abort();
      await this.waitForIdle();
    }
  }
}

export type { Settings };
