import type { Clock } from '../../core/clock';
import type { ScanProgress } from './scan-types';

const PROGRESS_INTERVAL_MS = 200;

/**
 * The scan's counters and its progress reports: at most one report per
 * 200 ms unless forced (a phase change), so the per-file call is a clock
 * read and a comparison.
 */
export class ScanProgressMeter {
  done = 0;
  total = 0;
  currentFolder: string | null = null;
  private lastProgressAt = -Infinity;

  constructor(
    private readonly clock: Clock,
    private readonly started: number,
    private readonly onProgress: ((progress: ScanProgress) => void) | undefined,
  ) {}

  report(phase: ScanProgress['phase'], force = false): void {
    const now = this.clock.monotonicMs();
    if (!force && now - this.lastProgressAt < PROGRESS_INTERVAL_MS) return;
    this.lastProgressAt = now;
    const seconds = (now - this.started) / 1000;
    this.onProgress?.({
      done: this.done,
      total: this.total,
      rate: seconds > 0 ? Math.round((this.done / seconds) * 10) / 10 : 0,
      currentFolder: this.currentFolder,
      phase,
    });
  }
}
