import { readdir, stat } from 'node:fs/promises';
import { FileFeed, readAll } from './file-feed';
import { FolderResults } from './folder-results';
import type { KnownProblem, KnownTrack } from './library-writer';
import type { ScanProgressMeter } from './scan-progress';
import type { ScanFolder, ScanOptions, ScanSummary } from './scan-types';
import { walkFolder, type FoundFile, type WalkResult } from './walk';

/** What every folder of one scan shares: its options, its running totals and its progress. */
export interface ScanRun {
  options: ScanOptions;
  summary: ScanSummary;
  meter: ScanProgressMeter;
}

/** One folder being scanned: what was known of it before, and where its read results go. */
interface FolderScan {
  run: ScanRun;
  folder: ScanFolder;
  known: Map<string, KnownTrack>;
  knownProblems: Map<string, KnownProblem>;
  /** When the folder's scan began: the time of the listing's own writes. */
  listedAt: number;
  results: FolderResults;
  feed: FileFeed;
  /** Nothing known (a first scan): reading starts with the first files listed. */
  streaming: boolean;
}

/**
 * Scans one library folder: list it, read the new and changed files, match
 * moves, mark what vanished as missing. An unreachable folder keeps its
 * tracks, marked unavailable. A cancel returns early with what was read
 * committed (the caller sees the signal and stops).
 */
export async function scanFolder(run: ScanRun, folder: ScanFolder): Promise<void> {
  const { signal } = run.options;
  const reachable = await knownIfReachable(run, folder);
  if (!reachable) return;
  const scan = openFolder(run, folder, reachable);
  const { listing, reading } = await listFolder(scan);
  if (signal?.aborted) {
    scan.feed.close();
    await reading;
    scan.results.flush();
    return;
  }
  const seen = queueListedFiles(scan, listing);
  scan.results.collectVanished(seen);
  await (reading ?? startReading(scan));
  scan.results.flush();
  if (signal?.aborted) return;
  run.meter.report('finishing', true);
  if (!(await folderIsReachable(folder.path, new Map()))) {
    // The whole folder went away mid-scan (unmounted, moved) while it was listed or read: as if it had
    // been unreachable from the start, not every track it held gone (one stat; only on the way out).
    markUnavailable(run, folder, run.options.clock.nowMs());
    return;
  }
  scan.results.settle(scan.knownProblems.keys(), seen);
}

/**
 * The folder's known tracks (and the time the folder's scan began) when its
 * root is reachable; null (the folder marked unavailable, its tracks kept)
 * when it is not.
 */
async function knownIfReachable(
  run: ScanRun,
  folder: ScanFolder,
): Promise<{ known: Map<string, KnownTrack>; now: number } | null> {
  const { writer, clock } = run.options;
  run.meter.currentFolder = folder.path;
  run.meter.report('listing', true);
  const now = clock.nowMs();
  const known = writer.knownTracks(folder.id);
  if (await folderIsReachable(folder.path, known)) return { known, now };
  // An unplugged drive or unmounted share looks like an empty folder; wiping
  // its tracks would lose their history. Keep them, marked unavailable.
  markUnavailable(run, folder, now);
  return null;
}

/** The per-folder state, built once: known problems, the result writer and the feed of files to read. */
function openFolder(
  run: ScanRun,
  folder: ScanFolder,
  { known, now }: { known: Map<string, KnownTrack>; now: number },
): FolderScan {
  const { writer, clock, aliasDir, batchSize } = run.options;
  const knownProblems = writer.knownProblems(folder.id);
  const results = new FolderResults(writer, clock, folder, known, run.summary, aliasDir, batchSize ?? 2000);
  const streaming = known.size === 0 && knownProblems.size === 0;
  return { run, folder, known, knownProblems, listedAt: now, results, feed: new FileFeed(), streaming };
}

/**
 * Lists the folder. Streaming (nothing known, so nothing to match moves
 * against), every file listed is fed to the readers at once and counted;
 * otherwise files are stat'ed and nothing is read until the listing is
 * triaged. `reading` is the readers already started, if any.
 */
async function listFolder(scan: FolderScan): Promise<{ listing: WalkResult; reading: Promise<void> | null }> {
  const { run, feed, streaming } = scan;
  const reading = streaming ? startReading(scan) : null;
  const onFile = streaming
    ? (file: FoundFile) => {
        run.meter.total++;
        feed.push(file);
      }
    : undefined;
  const listing = await walkFolder(scan.folder.path, run.options.signal, onFile, { statFiles: !streaming });
  return { listing, reading };
}

/** Starts the readers on the feed; each result is written (in batches) and counted as done. */
function startReading(scan: FolderScan): Promise<void> {
  const { run, results } = scan;
  const meter = run.meter;
  return readAll(scan.feed, run.options, run.options.signal, (file, result) => {
    results.handle(file, result);
    meter.done++;
    meter.report('reading');
  });
}

/**
 * Decides what of the listing is read: unchanged tracks (same size and
 * mtime) are skipped (and revived if they were not ok), unchanged known
 * problems are counted as failed again without a read (except crashes),
 * the rest is fed to the readers, then the feed is closed. Records the
 * listing's own problems and the totals; returns every path listed.
 */
function queueListedFiles(scan: FolderScan, listing: WalkResult): Set<string> {
  const { run, streaming } = scan;
  const { summary, meter } = run;
  const seen = new Set<string>();
  const revived: number[] = [];
  let toRead = 0;
  for (const file of listing.files) {
    seen.add(file.path);
    if (streaming) {
      toRead++;
      continue;
    }
    const track = scan.known.get(file.path);
    if (track && track.size === file.size && track.mtimeMs === file.mtimeMs) {
      if (track.status !== 'ok') revived.push(track.id);
      continue;
    }
    const problem = scan.knownProblems.get(file.path);
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
    scan.feed.push(file);
  }
  scan.feed.close();
  summary.files += listing.files.length + listing.problems.length;
  summary.skipped += listing.files.length - toRead;
  if (!streaming) meter.total += listing.files.length;
  meter.done += listing.files.length - toRead;
  recordListing(scan, listing, revived, seen);
  return seen;
}

/** In one transaction: revived tracks back to ok, and each listing problem recorded (and counted as seen and failed). */
function recordListing(scan: FolderScan, listing: WalkResult, revived: number[], seen: Set<string>): void {
  const { writer } = scan.run.options;
  const now = scan.listedAt;
  writer.transaction(() => {
    for (const id of revived) writer.setStatus(id, 'ok', now);
    for (const problem of listing.problems) {
      seen.add(problem.path);
      writer.recordProblem(scan.folder.id, problem, problem.reason, problem.detail, null, null, now);
    }
  });
  scan.run.summary.failed += listing.problems.length;
}

/** The folder's ok tracks marked unavailable and the folder unavailable, in one transaction; counted in the summary. */
function markUnavailable(run: ScanRun, folder: ScanFolder, now: number): void {
  const { writer } = run.options;
  writer.transaction(() => {
    writer.setFolderTracksStatus(folder.id, 'ok', 'unavailable', now);
    writer.setFolderAvailable(folder.id, false, null);
  });
  run.summary.unavailableFolders.push(folder.path);
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
