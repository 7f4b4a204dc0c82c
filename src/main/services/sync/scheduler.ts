import type { Clock } from '../core/clock';
import type { Timers } from './api-client';

/**
 * When the sync runs: at start, on an interval while healthy, soon after a
 * counted play while online, on demand; after a failure, with exponential
 * backoff and jitter (so many devices coming back online together do not hit
 * the server in step). Single flight: at most one run at a time; a request
 * during a run is served by a run right after it. Clock, timers and random
 * are injected so tests are deterministic.
 */

export type RunResult = { ok: true } | { ok: false; retry: boolean };

export interface SchedulerOptions {
  clock: Clock;
  timers: Timers;
  random: () => number;
  run: () => Promise<RunResult>;
  /** Between runs while healthy (default 5 min). */
  intervalMs?: number;
  /** After a counted play while online (default 2 s: plays in quick succession share a run). */
  afterPlayDelayMs?: number;
  /** First retry delay (default 2 s), doubled per failure up to maxBackoffMs (default 5 min). */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
}

export class SyncScheduler {
  private timer: unknown = null;
  private dueAtMs: number | null = null;
  private running: Promise<RunResult> | null = null;
  private again = false;
  private stopped = true;
  failures = 0;

  constructor(private readonly options: SchedulerOptions) {}

  get nextAttemptAtMs(): number | null {
    return this.dueAtMs;
  }
  get isRunning(): boolean {
    return this.running !== null;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    this.cancel();
  }

  /** A play was counted: sync soon, but only when the last run worked (else the backoff decides). */
  playCounted(): void {
    if (this.stopped || this.failures > 0) return;
    this.schedule(this.options.afterPlayDelayMs ?? 2_000);
  }

  /** Runs now (after a running one finishes) and answers that run's result. */
  async now(): Promise<RunResult> {
    // Wait for a running sync: it may have sent before the latest play was counted.
    while (this.running) await this.running.catch(() => undefined);
    this.cancel();
    return this.runNow();
  }

  /** Backoff before attempt `failures + 1`: min(max, base·2^(failures−1)), half of it fixed, half random. */
  backoffMs(failures: number): number {
    const base = this.options.baseBackoffMs ?? 2_000;
    const max = this.options.maxBackoffMs ?? 300_000;
    const ceiling = Math.min(max, base * 2 ** Math.min(30, Math.max(0, failures - 1)));
    return Math.round(ceiling / 2 + this.options.random() * (ceiling / 2));
  }

  /** Schedules a run in `delayMs`, unless one is due sooner. */
  schedule(delayMs: number): void {
    if (this.stopped) return;
    const due = this.options.clock.nowMs() + delayMs;
    if (this.dueAtMs !== null && this.dueAtMs <= due) return;
    this.cancel();
    this.dueAtMs = due;
    this.timer = this.options.timers.setTimeout(() => {
      this.timer = null;
      this.dueAtMs = null;
      if (this.running) this.again = true;
      else void this.runNow();
    }, delayMs);
  }

  private cancel(): void {
    if (this.timer !== null) this.options.timers.clearTimeout(this.timer);
    this.timer = null;
    this.dueAtMs = null;
  }

  private runNow(): Promise<RunResult> {
    const run = (async (): Promise<RunResult> => {
      let result: RunResult;
      try {
        result = await this.options.run();
      } catch {
        result = { ok: false, retry: true };
      }
      if (result.ok) this.failures = 0;
      else this.failures++;
      return result;
    })();
    this.running = run;
    void run.then((result) => {
      this.running = null;
      if (this.stopped) return;
      if (this.again) {
        this.again = false;
        this.schedule(0);
      } else if (result.ok) this.schedule(this.options.intervalMs ?? 300_000);
      else if (result.retry) this.schedule(this.backoffMs(this.failures));
    });
    return run;
  }
}
