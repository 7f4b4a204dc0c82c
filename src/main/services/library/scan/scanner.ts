import { statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, relative, sep } from 'node:path';
import type { Clock } from '../../core/clock';
import { fillFromNames } from '../tags/names-fallback';
import type { LibraryWriter, KnownTrack } from './library-writer';
import { aliasFor, displayPath, type FilePath } from './paths';
import { walkFolder, type FoundFile } from './walk';
import type { ReadResult } from './worker-protocol';

export interface ScanFolder {
  id: number;
  path: string;
}

export interface ScanProgress {
  done: number;
  total: number;
  /** Files per second since the scan started. */
  rate: number;
  currentFolder: string | null;
  phase: 'listing' | 'reading' | 'finishing';
}

export interface ScanSummary {
  /** Audio files found (tracks and problems). */
  files: number;
  added: number;
  updated: number;
  moved: number;
  missing: number;
  failed: number;
  /** Unchanged files not read again. */
  skipped: number;
  /** Folders whose root was not reachable: their tracks were kept, marked unavailable. */
  unavailableFolders: string[];
  cancelled: boolean;
  ms: number;
}

export interface ScanOptions {
  writer: LibraryWriter;
  folders: ScanFolder[];
  read(file: string): Promise<ReadResult>;
  clock: Clock;
  /** Where links to files with non-UTF-8 names are kept. */
  aliasDir: string;
  signal?: AbortSignal;
  onProgress?(progress: ScanProgress): void;
  /** Files asked for at once (default 1024): enough to keep every worker's queue full; the pool bounds the real concurrency. */
  window?: number;
  /** Files per commit (default 2000). */
  batchSize?: number;
}

/**
 * One scan over some library folders: list the files, read only the new
 * and changed ones (path, size, mtime), recognise moved files by content,
 * and mark what vanished as missing. Never deletes a track. A cancelled or
 * interrupted scan has already committed what it read, so running it again
 * picks up where it stopped.
 */
export async function runScan(options: ScanOptions): Promise<ScanSummary> {
  const { writer, clock, signal } = options;
  const started = clock.monotonicMs();
  const summary: ScanSummary = {
    files: 0,
    added: 0,
    updated: 0,
    moved: 0,
    missing: 0,
    failed: 0,
    skipped: 0,
    unavailableFolders: [],
    cancelled: false,
    ms: 0,
  };
  let done = 0;
  let total = 0;
  let currentFolder: string | null = null;
  let lastProgressAt = -Infinity;
  const progress = (phase: ScanProgress['phase'], force = false) => {
    const now = clock.monotonicMs();
    if (!force && now - lastProgressAt < 200) return;
    lastProgressAt = now;
    const seconds = (now - started) / 1000;
    options.onProgress?.({
      done,
      total,
      rate: seconds > 0 ? Math.round((done / seconds) * 10) / 10 : 0,
      currentFolder,
      phase,
    });
  };

  for (const folder of options.folders) {
    if (signal?.aborted) break;
    currentFolder = folder.path;
    progress('listing', true);
    const now = clock.nowMs();
    const known = writer.knownTracks(folder.id);
    if (!(await folderIsReachable(folder.path, known))) {
      // An unplugged drive or unmounted share looks like an empty folder; wiping
      // its tracks would lose their history. Keep them, marked unavailable.
      writer.transaction(() => {
        writer.setFolderTracksStatus(folder.id, 'ok', 'unavailable', now);
        writer.setFolderAvailable(folder.id, false, null);
      });
      summary.unavailableFolders.push(folder.path);
      continue;
    }
    const knownProblems = writer.knownProblems(folder.id);
    // Tracks whose file is gone: candidates for a move, else missing at the end (filled once listed).
    const vanished = new Map<string, KnownTrack[]>();
    const rootName = basename(folder.path);
    /** Files listed but gone when read: a folder moved away mid-scan, or files deleted. */
    const gone: { path: string; id: number | null }[] = [];
    const batch: (() => void)[] = [];
    const flush = () => {
      if (batch.length === 0) return;
      const work = batch.splice(0);
      writer.bulkTransaction(() => work.forEach((w) => w()));
    };

    const handle = (file: FoundFile, result: ReadResult) => {
      const writeNow = clock.nowMs();
      const existing = known.get(file.path);
      if (!result.ok && result.reason === 'vanished') {
        // Moved or deleted since it was listed: no problem row; a known track waits for the end of the folder.
        gone.push({ path: file.path, id: existing?.id ?? null });
        return;
      }
      if (!result.ok) {
        summary.failed++;
        const { size, mtimeMs } = file.size < 0 ? statOrNull(openablePath(file, options.aliasDir)) : file;
        batch.push(() => {
          writer.recordProblem(folder.id, file, result.reason, result.detail, size, mtimeMs, writeNow);
          if (existing) writer.setStatus(existing.id, 'missing', writeNow);
        });
        return;
      }
      const names = fillFromNames(result.info, relativeSegments(folder.path, file), rootName);
      // Listed without a stat (a first scan): the reader's stat.
      const stat = file.size < 0 ? { size: result.info.size, mtimeMs: result.info.mtimeMs } : null;
      const write = { ...file, ...stat, folderId: folder.id, info: result.info, names };
      if (existing) {
        summary.updated++;
        batch.push(() => writer.updateTrack(existing.id, write, writeNow));
      } else {
        const movedFrom = vanished.get(result.info.fingerprint)?.shift();
        batch.push(() => {
          const movedId = movedFrom?.id ?? writer.findMissingByFingerprint(result.info.fingerprint);
          if (movedId !== null) {
            summary.moved++;
            writer.updateTrack(movedId, write, writeNow);
          } else {
            summary.added++;
            writer.insertTrack(write, writeNow);
          }
        });
      }
      batch.push(() => writer.clearProblem(file.path));
    };
    const feed = new FileFeed();
    const startReading = () =>
      readAll(feed, options, signal, (file, result) => {
        handle(file, result);
        done++;
        if (batch.length >= (options.batchSize ?? 2000)) flush();
        progress('reading');
      });

    // A folder with nothing known (a first scan) has every file to read and
    // nothing to match moves against: reading starts with the first files
    // listed instead of after the whole listing.
    const streaming = known.size === 0 && knownProblems.size === 0;
    let reading: Promise<void> | null = null;
    if (streaming) reading = startReading();
    const listing = await walkFolder(
      folder.path,
      signal,
      streaming
        ? (file) => {
            total++;
            feed.push(file);
          }
        : undefined,
      { statFiles: !streaming },
    );
    if (signal?.aborted) {
      feed.close();
      await reading;
      flush();
      break;
    }
    const seen = new Set<string>();
    const revived: number[] = [];
    let toRead = 0;
    for (const file of listing.files) {
      seen.add(file.path);
      if (streaming) {
        toRead++;
        continue;
      }
      const track = known.get(file.path);
      if (track && track.size === file.size && track.mtimeMs === file.mtimeMs) {
        if (track.status !== 'ok') revived.push(track.id);
        continue;
      }
      const problem = knownProblems.get(file.path);
      // A crash may have been the reader's fault, not the file's: those are read again.
      if (
        !track &&
        problem &&
        problem.reason !== 'crashed' &&
        problem.size === file.size &&
        problem.mtimeMs === file.mtimeMs
      ) {
        summary.failed++;
        continue;
      }
      toRead++;
      feed.push(file);
    }
    feed.close();
    summary.files += listing.files.length + listing.problems.length;
    summary.skipped += listing.files.length - toRead;
    if (!streaming) total += listing.files.length;
    done += listing.files.length - toRead;
    writer.transaction(() => {
      for (const id of revived) writer.setStatus(id, 'ok', now);
      for (const problem of listing.problems) {
        seen.add(problem.path);
        writer.recordProblem(folder.id, problem, problem.reason, problem.detail, null, null, now);
      }
    });
    summary.failed += listing.problems.length;

    for (const [path, track] of known) {
      if (seen.has(path) || track.status === 'missing') continue;
      const list = vanished.get(track.fingerprint) ?? [];
      list.push(track);
      vanished.set(track.fingerprint, list);
    }

    await (reading ?? startReading());
    flush();
    if (signal?.aborted) break;

    progress('finishing', true);
    if (!(await folderIsReachable(folder.path, new Map()))) {
      // The whole folder went away mid-scan (unmounted, moved) while it was listed or read: as if it had
      // been unreachable from the start, not every track it held gone (one stat; only on the way out).
      writer.transaction(() => {
        const endNow = clock.nowMs();
        writer.setFolderTracksStatus(folder.id, 'ok', 'unavailable', endNow);
        writer.setFolderAvailable(folder.id, false, null);
      });
      summary.unavailableFolders.push(folder.path);
      continue;
    }
    writer.transaction(() => {
      const endNow = clock.nowMs();
      for (const file of gone) {
        if (file.id !== null && writer.setStatus(file.id, 'missing', endNow)) summary.missing++;
        writer.clearProblem(file.path);
      }
      for (const tracks of vanished.values()) {
        for (const track of tracks) if (writer.setStatus(track.id, 'missing', endNow)) summary.missing++;
      }
      for (const path of knownProblems.keys()) if (!seen.has(path)) writer.clearProblem(path);
      writer.setFolderAvailable(folder.id, true, endNow);
    });
  }
  if (!signal?.aborted) writer.transaction(() => writer.deleteOrphans());
  summary.cancelled = signal?.aborted ?? false;
  summary.ms = Math.round(clock.monotonicMs() - started);
  currentFolder = null;
  progress('finishing', true);
  return summary;

  async function readAll(
    feed: FileFeed,
    opts: ScanOptions,
    abort: AbortSignal | undefined,
    onResult: (file: FoundFile, result: ReadResult) => void,
  ): Promise<void> {
    const lane = async () => {
      for (let file = await feed.next(); file && !abort?.aborted; file = await feed.next()) {
        const result = await opts.read(openablePath(file, opts.aliasDir));
        if (abort?.aborted) return;
        onResult(file, result);
      }
    };
    await Promise.all(Array.from({ length: opts.window ?? 1024 }, lane));
  }
}

/** Files to read, handed out in order as they are listed; `next()` waits for more until closed. */
class FileFeed {
  private readonly files: FoundFile[] = [];
  private nextIndex = 0;
  private closed = false;
  private readonly waiting: ((file: FoundFile | undefined) => void)[] = [];

  push(file: FoundFile): void {
    const waiter = this.waiting.shift();
    if (waiter) waiter(file);
    else this.files.push(file);
  }

  close(): void {
    this.closed = true;
    for (const waiter of this.waiting.splice(0)) waiter(undefined);
  }

  next(): Promise<FoundFile | undefined> | FoundFile | undefined {
    if (this.nextIndex < this.files.length) return this.files[this.nextIndex++];
    if (this.closed) return undefined;
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}

/** Size and mtime of a file listed without a stat, for its problem row (null if it cannot be stat'ed either). */
function statOrNull(path: string): { size: number | null; mtimeMs: number | null } {
  try {
    const stats = statSync(path);
    return { size: stats.size, mtimeMs: Math.trunc(stats.mtimeMs) };
  } catch {
    return { size: null, mtimeMs: null };
  }
}

/** The path a reader can open: the file itself, or a link to it when its name is not UTF-8. */
export function openablePath(file: FilePath, aliasDir: string): string {
  return file.bytes ? aliasFor(aliasDir, file.bytes) : file.path;
}

function relativeSegments(root: string, file: FilePath): string[] {
  return relative(root, displayPath(file.path)).split(sep).filter(Boolean);
}

/**
 * A library folder is reachable when it exists and is a folder, and is not
 * empty where we know it held tracks (an unmounted mount point is an empty
 * folder).
 */
async function folderIsReachable(root: string, known: Map<string, KnownTrack>): Promise<boolean> {
  try {
    if (!(await stat(root)).isDirectory()) return false;
    if ([...known.values()].some((t) => t.status !== 'missing')) {
      const entries = await readdir(root);
      if (entries.length === 0) return false;
    }
    return true;
  } catch {
    return false;
  }
}
