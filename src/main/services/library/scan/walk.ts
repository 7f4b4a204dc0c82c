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
  const files: FoundFile[] = [];
  const problems: FoundProblem[] = [];
  const visitedDirs = new Set<string>();
  const pending: Buffer[] = [Buffer.from(root)];
  const rootStats = statSync(root);
  visitedDirs.add(dirKey(rootStats));
  // Only a symbolic link can lead back into a folder already walked. Until
  // the first link to a folder, real folders are walked without a stat
  // each (a tree has no repeats); at that link, the folders walked so far
  // are stat'ed once for their keys, and from then on every folder is.
  let unkeyedDirs: Buffer[] | null = [];
  const keyEveryDir = () => {
    for (const dir of unkeyedDirs ?? []) {
      try {
        visitedDirs.add(dirKey(statSync(dir)));
      } catch {
        // gone meanwhile: nothing to loop back into
      }
    }
    unkeyedDirs = null;
  };

  let lastYield = performance.now();
  while (pending.length > 0) {
    if (signal?.aborted) break;
    const dir = pending.pop()!;
    // Sync calls, one folder at a time, yielding between folders every few
    // milliseconds: far faster than a thread-pool round trip per file, and
    // the main thread never blocks for longer than that and one folder's stats.
    if (performance.now() - lastYield >= YIELD_MS) {
      await new Promise((r) => setImmediate(r));
      lastYield = performance.now();
    }
    let entries: Dirent<Buffer>[];
    try {
      entries = readdirSync(dir, { encoding: 'buffer', withFileTypes: true }).sort((a, b) =>
        Buffer.compare(a.name, b.name),
      );
    } catch (error) {
      const problem = problemOf(error);
      // A folder moved away mid-walk is not a problem: its tracks go missing (or, for the root, unavailable).
      if (problem.reason !== 'vanished') problems.push({ ...filePathFromBytes(dir), ...problem });
      continue;
    }
    const subdirs: Buffer[] = [];
    {
      entries.forEach((entry) => {
        {
          const name = entry.name;
          if (name[0] === 0x2e /* . */) return; // hidden files and folders
          const full = Buffer.concat([dir, SEPARATOR, name]);
          if (unkeyedDirs && entry.isDirectory()) {
            unkeyedDirs.push(full);
            subdirs.push(full);
            return;
          }
          const audio = AUDIO_EXTENSIONS.has(extensionOf(name));
          // A plain file's stat tells nothing more, unless its path is too long to open.
          if (entry.isFile() && full.length < PATH_SAFE) {
            if (!audio) return;
            if (options.statFiles === false) {
              const file = { ...filePathFromBytes(full), size: -1, mtimeMs: -1 };
              files.push(file);
              onFile?.(file);
              return;
            }
          }
          let stats: Stats;
          let isLink = false;
          try {
            const link = lstatSync(full);
            isLink = link.isSymbolicLink();
            stats = isLink ? statSync(full) : link;
          } catch (error) {
            const found = problemOf(error);
            // Gone since its folder was read: not a problem. A link whose target does not exist is a broken link.
            if (found.reason === 'vanished' && !isLink) return;
            const problem =
              found.reason === 'vanished'
                ? { reason: 'broken_link' as const, detail: 'The link points to a file that does not exist.' }
                : found;
            // A broken link to a non-audio file is not our business; a link loop always is.
            if (audio || problem.reason === 'symlink_loop' || problem.reason === 'path_too_long') {
              problems.push({ ...filePathFromBytes(full), ...problem });
            }
            return;
          }
          if (stats.isDirectory()) {
            if (unkeyedDirs) keyEveryDir();
            const key = dirKey(stats);
            if (!visitedDirs.has(key)) {
              visitedDirs.add(key);
              subdirs.push(full);
            }
          } else if (stats.isFile() && audio) {
            const file = { ...filePathFromBytes(full), size: stats.size, mtimeMs: Math.trunc(stats.mtimeMs) };
            files.push(file);
            onFile?.(file);
          }
        }
      });
    }
    // Depth first, in name order.
    for (let i = subdirs.length - 1; i >= 0; i--) pending.push(subdirs[i]!);
  }
  return { files, problems };
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
