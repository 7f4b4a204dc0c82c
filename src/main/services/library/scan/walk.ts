import { lstatSync, readdirSync, statSync } from 'node:fs';
import type { Dirent, Stats } from 'node:fs';
import { classifyFsError, type ProblemReason } from '../tags/read-audio-file';
import { filePathFromBytes, type FilePath } from './paths';

export const AUDIO_EXTENSIONS = new Set([
  'mp3',
  'flac',
  'ogg',
  'oga',
  'opus',
  'm4a',
  'm4b',
  'aac',
  'wav',
  'aif',
  'aiff',
  'wma',
  'webm',
  'ape',
  'wv',
  'mpc',
  'dsf',
]);

export interface FoundFile extends FilePath {
  size: number;
  mtimeMs: number;
}

export interface FoundProblem extends FilePath {
  reason: ProblemReason;
  detail: string;
}

export interface WalkOptions {
  /**
   * false: plain audio files are listed without a stat, with size and
   * mtime -1 (for a reader that stats the file as it opens it anyway).
   */
  statFiles?: boolean;
}

export interface WalkResult {
  files: FoundFile[];
  problems: FoundProblem[];
}

/**
 * Lists the audio files under a folder, depth first, one directory open at
 * a time. Names are read as bytes so no file is lost to a bad encoding;
 * symlinked folders are followed once (a loop of links is not followed
 * forever), and whatever cannot be read becomes a problem, not an error.
 */
export async function walkFolder(
  root: string,
  signal?: AbortSignal,
  onFile?: (file: FoundFile) => void,
  options: WalkOptions = {},
): Promise<WalkResult> {
  const walk = new FolderWalk(root, onFile, options.statFiles === false);
  let lastYield = performance.now();
  for (let dir = walk.nextDir(); dir && !signal?.aborted; dir = walk.nextDir()) {
    // Sync calls, one folder at a time, yielding between folders every few
    // milliseconds: far faster than a thread-pool round trip per file, and
    // the main thread never blocks for longer than that and one folder's stats.
    if (performance.now() - lastYield >= YIELD_MS) {
      await new Promise((r) => setImmediate(r));
      lastYield = performance.now();
    }
    walk.visitDir(dir);
  }
  return { files: walk.files, problems: walk.problems };
}

/**
 * One walk's state: what was found, the folders still to visit (a stack:
 * depth first, in name order) and the keys (device:inode) of the folders
 * visited, so a link back into one of them is not followed again.
 */
class FolderWalk {
  readonly files: FoundFile[] = [];
  readonly problems: FoundProblem[] = [];
  private readonly visitedDirs = new Set<string>();
  private readonly pending: Buffer[];
  // Only a symbolic link can lead back into a folder already walked. Until
  // the first link to a folder, real folders are walked without a stat
  // each (a tree has no repeats); at that link, the folders walked so far
  // are stat'ed once for their keys, and from then on every folder is.
  private unkeyedDirs: Buffer[] | null = [];

  constructor(
    root: string,
    private readonly onFile: ((file: FoundFile) => void) | undefined,
    /** Plain audio files listed without a stat (size and mtime -1). */
    private readonly withoutStat: boolean,
  ) {
    this.pending = [Buffer.from(root)];
    this.visitedDirs.add(dirKey(statSync(root)));
  }

  nextDir(): Buffer | undefined {
    return this.pending.pop();
  }

  /** Lists one folder: its audio files found, its subfolders queued (hidden entries skipped). */
  visitDir(dir: Buffer): void {
    const entries = this.readSorted(dir);
    if (!entries) return;
    const subdirs: Buffer[] = [];
    for (const entry of entries) this.visitEntry(dir, entry, subdirs);
    // Depth first, in name order.
    for (let i = subdirs.length - 1; i >= 0; i--) this.pending.push(subdirs[i]!);
  }

  /** The folder's entries in byte order of their names; null (a problem unless it vanished) when it cannot be read. */
  private readSorted(dir: Buffer): Dirent<Buffer>[] | null {
    try {
      return readdirSync(dir, { encoding: 'buffer', withFileTypes: true }).sort((a, b) =>
        Buffer.compare(a.name, b.name),
      );
    } catch (error) {
      const problem = problemOf(error);
      // A folder moved away mid-walk is not a problem: its tracks go missing (or, for the root, unavailable).
      if (problem.reason !== 'vanished') this.problems.push({ ...filePathFromBytes(dir), ...problem });
      return null;
    }
  }

  /**
   * One entry: a real folder (while no link to a folder was met) is queued
   * without a stat; a plain audio file with a short path is found without
   * one when `withoutStat`; anything else is stat'ed (links followed).
   */
  private visitEntry(dir: Buffer, entry: Dirent<Buffer>, subdirs: Buffer[]): void {
    const name = entry.name;
    if (name[0] === 0x2e /* . */) return; // hidden files and folders
    const full = Buffer.concat([dir, SEPARATOR, name]);
    if (this.unkeyedDirs && entry.isDirectory()) {
      this.unkeyedDirs.push(full);
      subdirs.push(full);
      return;
    }
    const audio = AUDIO_EXTENSIONS.has(extensionOf(name));
    // A plain file's stat tells nothing more, unless its path is too long to open.
    if (entry.isFile() && full.length < PATH_SAFE) {
      if (!audio) return;
      if (this.withoutStat) return this.found({ ...filePathFromBytes(full), size: -1, mtimeMs: -1 });
    }
    const stats = this.statEntry(full, audio);
    if (!stats) return;
    if (stats.isDirectory()) this.enterLinkedOrKeyedDir(full, stats, subdirs);
    else if (stats.isFile() && audio)
      this.found({ ...filePathFromBytes(full), size: stats.size, mtimeMs: Math.trunc(stats.mtimeMs) });
  }

  /** The entry's stats, through a link; null when it cannot be stat'ed (a problem where it matters). */
  private statEntry(full: Buffer, audio: boolean): Stats | null {
    let isLink = false;
    try {
      const link = lstatSync(full);
      isLink = link.isSymbolicLink();
      return isLink ? statSync(full) : link;
    } catch (error) {
      const found = problemOf(error);
      // Gone since its folder was read: not a problem. A link whose target does not exist is a broken link.
      if (found.reason === 'vanished' && !isLink) return null;
      const problem =
        found.reason === 'vanished'
          ? { reason: 'broken_link' as const, detail: 'The link points to a file that does not exist.' }
          : found;
      // A broken link to a non-audio file is not our business; a link loop always is.
      if (audio || problem.reason === 'symlink_loop' || problem.reason === 'path_too_long') {
        this.problems.push({ ...filePathFromBytes(full), ...problem });
      }
      return null;
    }
  }

  /** A folder met through a stat (a link, or any folder once one was): queued unless already visited. */
  private enterLinkedOrKeyedDir(full: Buffer, stats: Stats, subdirs: Buffer[]): void {
    if (this.unkeyedDirs) this.keyEveryDir();
    const key = dirKey(stats);
    if (this.visitedDirs.has(key)) return;
    this.visitedDirs.add(key);
    subdirs.push(full);
  }

  /** The folders walked without a stat so far, keyed now (once, at the first link to a folder). */
  private keyEveryDir(): void {
    for (const dir of this.unkeyedDirs ?? []) {
      try {
        this.visitedDirs.add(dirKey(statSync(dir)));
      } catch {
        // gone meanwhile: nothing to loop back into
      }
    }
    this.unkeyedDirs = null;
  }

  private found(file: FoundFile): void {
    this.files.push(file);
    this.onFile?.(file);
  }
}

const YIELD_MS = 8;
/** Paths shorter than this (bytes) open on every platform we run on (Linux PATH_MAX is 4096). */
const PATH_SAFE = 1024;

const SEPARATOR = Buffer.from(process.platform === 'win32' ? '\\' : '/');

function dirKey(stats: Stats): string {
  return `${stats.dev}:${stats.ino}`;
}

function extensionOf(name: Buffer): string {
  const dot = name.lastIndexOf(0x2e);
  return dot < 0
    ? ''
    : name
        .subarray(dot + 1)
        .toString('latin1')
        .toLowerCase();
}

function problemOf(error: unknown): { reason: ProblemReason; detail: string } {
  const problem = classifyFsError(error);
  return { reason: problem.reason, detail: problem.message };
}
