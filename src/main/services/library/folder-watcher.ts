import { watch as chokidarWatch } from 'chokidar';
import type { WatchState } from '../../../shared/contract/library';

export interface WatchHandle {
  close(): Promise<void> | void;
}

/** Starts watching one folder tree; reports changed paths and errors. Injected by tests. */
export type WatchFactory = (
  folder: string,
  handlers: { change(path: string): void; error(error: unknown): void },
) => WatchHandle;

export const chokidarWatchFactory: WatchFactory = (folder, handlers) => {
  const watcher = chokidarWatch(folder, {
    ignoreInitial: true,
    followSymlinks: true,
    // Hidden files, and our own temporary files, never matter.
    ignored: (path: string) => /(^|[/\\])\./.test(path.slice(folder.length)),
    awaitWriteFinish: { stabilityThreshold: 1000, pollInterval: 250 },
  });
  watcher.on('all', (_event, path) => handlers.change(path));
  watcher.on('error', (error) => handlers.error(error));
  return { close: () => watcher.close() };
};

export interface FolderWatcherOptions {
  factory: WatchFactory;
  /** Changes settle for this long before a rescan (a copy of an album is one rescan). */
  debounceMs: number;
  /** How often folders are rescanned when the OS cannot watch them. */
  pollIntervalMs: number;
  rescan(folder: string): void;
  onState(state: WatchState): void;
}

/** The OS refused more watches: inotify's limit (ENOSPC) or too many open files. */
export function isWatchLimitError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EMFILE' || code === 'ENFILE';
}

/**
 * Keeps the library folders watched so changes show up without a manual
 * rescan. When the OS runs out of watches, it stops watching and rescans
 * every folder periodically instead, and says so (`mode: 'polling'`) so the
 * UI can tell the user why changes take a while to appear.
 */
export class FolderWatcher {
  private readonly handles = new Map<string, WatchHandle>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private pollTimer: NodeJS.Timeout | null = null;
  private folders: string[] = [];
  private current: WatchState = { mode: 'off', reason: null, pollIntervalMs: null };

  constructor(private readonly options: FolderWatcherOptions) {}

  get state(): WatchState {
    return this.current;
  }

  /** Read through a method: the mode changes inside callbacks TypeScript cannot follow. */
  private mode(): WatchState['mode'] {
    return this.current.mode;
  }

  setFolders(folders: string[]): void {
    this.folders = [...folders];
    if (this.current.mode === 'polling') return; // the poll loop reads `folders` each round
    for (const [folder, handle] of this.handles) {
      if (!folders.includes(folder)) {
        void handle.close();
        this.handles.delete(folder);
      }
    }
    for (const folder of folders) {
      if (this.handles.has(folder)) continue;
      try {
        this.handles.set(
          folder,
          this.options.factory(folder, {
            change: () => this.schedule(folder),
            error: (error) => this.onError(error),
          }),
        );
      } catch (error) {
        this.onError(error);
        if (this.mode() === 'polling') return;
      }
    }
    this.setState(
      folders.length > 0
        ? { mode: 'watching', reason: null, pollIntervalMs: null }
        : { mode: 'off', reason: null, pollIntervalMs: null },
    );
  }

  async close(): Promise<void> {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
    await Promise.all([...this.handles.values()].map((h) => h.close()));
    this.handles.clear();
  }

  private schedule(folder: string): void {
    const existing = this.timers.get(folder);
    if (existing) clearTimeout(existing);
    const timer = setTimeout(() => {
      this.timers.delete(folder);
      this.options.rescan(folder);
    }, this.options.debounceMs);
    timer.unref();
    this.timers.set(folder, timer);
  }

  private onError(error: unknown): void {
    if (!isWatchLimitError(error) || this.current.mode === 'polling') return;
    const code = (error as NodeJS.ErrnoException).code;
    for (const handle of this.handles.values()) void handle.close();
    this.handles.clear();
    this.pollTimer = setInterval(() => {
      for (const folder of this.folders) this.options.rescan(folder);
    }, this.options.pollIntervalMs);
    this.pollTimer.unref();
    this.setState({
      mode: 'polling',
      reason: `The system's limit on watched folders was reached (${code}); folders are rescanned every ${Math.round(this.options.pollIntervalMs / 60000) || 1} min instead.`,
      pollIntervalMs: this.options.pollIntervalMs,
    });
  }

  private setState(next: WatchState): void {
    if (JSON.stringify(next) === JSON.stringify(this.current)) return;
    this.current = next;
    this.options.onState(next);
  }
}
