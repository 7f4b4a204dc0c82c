import { statSync } from 'node:fs';
import { basename, relative, sep } from 'node:path';
import type { Clock } from '../../core/clock';
import { fillFromNames } from '../tags/names-fallback';
import type { AudioFileInfo } from '../tags/read-audio-file';
import { openablePath } from './file-feed';
import type { KnownTrack, LibraryWriter } from './library-writer';
import { displayPath, type FilePath } from './paths';
import type { ScanFolder, ScanSummary } from './scan-types';
import type { FoundFile } from './walk';
import type { ReadResult } from './worker-protocol';

/** A known track whose file was listed but gone when it was read. */
interface GoneFile {
  path: string;
  id: number | null;
}

/**
 * What reading one folder's files turns into: each result becomes a queued
 * write (a track added, updated or recognised as moved; a problem), written
 * in batches of `batchSize` per transaction; files gone since listing and
 * tracks whose file vanished wait for `settle`, at the end of the folder.
 * Built once per folder, so the per-file path allocates only the writes.
 */
export class FolderResults {
  /** Tracks whose file is gone, by fingerprint: candidates for a move, else missing at the end (filled once listed). */
  private readonly vanished = new Map<string, KnownTrack[]>();
  /** Files listed but gone when read: a folder moved away mid-scan, or files deleted. */
  private readonly gone: GoneFile[] = [];
  private readonly batch: (() => void)[] = [];
  private readonly rootName: string;

  constructor(
    private readonly writer: LibraryWriter,
    private readonly clock: Clock,
    private readonly folder: ScanFolder,
    private readonly known: Map<string, KnownTrack>,
    private readonly summary: ScanSummary,
    private readonly aliasDir: string,
    private readonly batchSize: number,
  ) {
    this.rootName = basename(folder.path);
  }

  /** Queues what one read result writes; commits the queue when a batch is full. */
  handle(file: FoundFile, result: ReadResult): void {
    const writeNow = this.clock.nowMs();
    const existing = this.known.get(file.path);
    if (!result.ok && result.reason === 'vanished') {
      // Moved or deleted since it was listed: no problem row; a known track waits for the end of the folder.
      this.gone.push({ path: file.path, id: existing?.id ?? null });
    } else if (!result.ok) {
      this.queueProblem(file, result, existing, writeNow);
    } else {
      this.queueTrack(file, result.info, existing, writeNow);
    }
    if (this.batch.length >= this.batchSize) this.flush();
  }

  /** Commits every queued write in one transaction. */
  flush(): void {
    if (this.batch.length === 0) return;
    const work = this.batch.splice(0);
    this.writer.bulkTransaction(() => work.forEach((w) => w()));
  }

  /** Known tracks (not already missing) whose path was not listed: matched by fingerprint against new files. */
  collectVanished(seen: Set<string>): void {
    for (const [path, track] of this.known) {
      if (seen.has(path) || track.status === 'missing') continue;
      const list = this.vanished.get(track.fingerprint) ?? [];
      list.push(track);
      this.vanished.set(track.fingerprint, list);
    }
  }

  /**
   * The folder's end, once every file is read: gone files and unmatched
   * vanished tracks become missing, problems of files no longer listed are
   * cleared, and the folder is marked available; one transaction.
   */
  settle(knownProblemPaths: Iterable<string>, seen: Set<string>): void {
    const { writer, summary } = this;
    writer.transaction(() => {
      const endNow = this.clock.nowMs();
      for (const file of this.gone) {
        if (file.id !== null && writer.setStatus(file.id, 'missing', endNow)) summary.missing++;
        writer.clearProblem(file.path);
      }
      for (const tracks of this.vanished.values()) {
        for (const track of tracks) if (writer.setStatus(track.id, 'missing', endNow)) summary.missing++;
      }
      for (const path of knownProblemPaths) if (!seen.has(path)) writer.clearProblem(path);
      writer.setFolderAvailable(this.folder.id, true, endNow);
    });
  }

  private queueProblem(
    file: FoundFile,
    result: Extract<ReadResult, { ok: false }>,
    existing: KnownTrack | undefined,
    writeNow: number,
  ): void {
    this.summary.failed++;
    const { size, mtimeMs } = file.size < 0 ? statOrNull(openablePath(file, this.aliasDir)) : file;
    this.batch.push(() => {
      this.writer.recordProblem(this.folder.id, file, result.reason, result.detail, size, mtimeMs, writeNow);
      if (existing) this.writer.setStatus(existing.id, 'missing', writeNow);
    });
  }

  private queueTrack(
    file: FoundFile,
    info: AudioFileInfo,
    existing: KnownTrack | undefined,
    writeNow: number,
  ): void {
    const names = fillFromNames(info, relativeSegments(this.folder.path, file), this.rootName);
    // Listed without a stat (a first scan): the reader's stat.
    const stat = file.size < 0 ? { size: info.size, mtimeMs: info.mtimeMs } : null;
    const write = { ...file, ...stat, folderId: this.folder.id, info, names };
    const writer = this.writer;
    if (existing) {
      this.summary.updated++;
      this.batch.push(() => writer.updateTrack(existing.id, write, writeNow));
    } else {
      const movedFrom = this.vanished.get(info.fingerprint)?.shift();
      this.batch.push(() => {
        const movedId = movedFrom?.id ?? writer.findMissingByFingerprint(info.fingerprint);
        if (movedId !== null) {
          this.summary.moved++;
          writer.updateTrack(movedId, write, writeNow);
        } else {
          this.summary.added++;
          writer.insertTrack(write, writeNow);
        }
      });
    }
    this.batch.push(() => writer.clearProblem(file.path));
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

function relativeSegments(root: string, file: FilePath): string[] {
  return relative(root, displayPath(file.path)).split(sep).filter(Boolean);
}
