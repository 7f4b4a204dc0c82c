import { scanFolder, type ScanRun } from './folder-scan';
import { ScanProgressMeter } from './scan-progress';
import { emptySummary, type ScanOptions, type ScanSummary } from './scan-types';

export type { ScanFolder, ScanOptions, ScanProgress, ScanSummary } from './scan-types';
export { openablePath } from './file-feed';

/**
 * One scan over some library folders: list the files, read only the new
 * and changed ones (path, size, mtime), recognise moved files by content,
 * and mark what vanished as missing. Never deletes a track. A cancelled or
 * interrupted scan has already committed what it read, so running it again
 * picks up where it stopped.
 *
 * Stages: each folder in turn (folder-scan.ts: reachability, listing,
 * triage, reading, settling), then, unless cancelled, orphans (albums and
 * artists no track refers to) deleted; the summary and a last progress
 * report close the scan.
 */
export async function runScan(options: ScanOptions): Promise<ScanSummary> {
  const { writer, clock, signal } = options;
  const started = clock.monotonicMs();
  const run: ScanRun = {
    options,
    summary: emptySummary(),
    meter: new ScanProgressMeter(clock, started, options.onProgress),
  };
  for (const folder of options.folders) {
    // A cancel inside a folder returns from it with what was read committed; no further folder starts.
    if (signal?.aborted) break;
    await scanFolder(run, folder);
  }
  if (!signal?.aborted) writer.transaction(() => writer.deleteOrphans());
  run.summary.cancelled = signal?.aborted ?? false;
  run.summary.ms = Math.round(clock.monotonicMs() - started);
  run.meter.currentFolder = null;
  run.meter.report('finishing', true);
  return run.summary;
}
