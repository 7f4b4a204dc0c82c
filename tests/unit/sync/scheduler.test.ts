import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/main/services/core/clock';
import { SyncScheduler, type RunResult } from '../../../src/main/services/sync/scheduler';
import type { Timers } from '../../../src/main/services/sync/api-client';

/** Timers on the fake clock: `advance` fires what falls due, in order. */
class ClockTimers implements Timers {
  private next = 1;
  readonly pending = new Map<number, { at: number; fn: () => void }>();
  constructor(private readonly clock: FakeClock) {}
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { at: this.clock.nowMs() + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  async advance(ms: number): Promise<void> {
    const end = this.clock.nowMs() + ms;
    for (;;) {
      const due = [...this.pending.entries()]
        .filter(([, t]) => t.at <= end)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.clock.advance(due[1].at - this.clock.nowMs());
      this.pending.delete(due[0]);
      due[1].fn();
      for (let i = 0; i < 10; i++) await Promise.resolve();
    }
    this.clock.advance(end - this.clock.nowMs());
  }
}

function setup(results: RunResult[], random = () => 0.5) {
  const clock = new FakeClock(0, 0);
  const timers = new ClockTimers(clock);
  const runs: number[] = [];
  const scheduler = new SyncScheduler({
    clock,
    timers,
    random,
    run: async () => {
      runs.push(clock.nowMs());
      return results.shift() ?? { ok: true };
    },
    intervalMs: 60_000,
    afterPlayDelayMs: 2_000,
    baseBackoffMs: 1_000,
    maxBackoffMs: 16_000,
  });
  return { clock, timers, runs, scheduler };
}

describe('the sync scheduler', () => {
  it('runs at start, then on the interval while healthy', async () => {
    const { timers, runs, scheduler } = setup([]);
    scheduler.start();
    await timers.advance(0);
    expect(runs).toEqual([0]);
    await timers.advance(130_000);
    expect(runs).toEqual([0, 60_000, 120_000]);
  });

  it('backs off exponentially with jitter after failures, capped, and resets after a success', async () => {
    const fail = { ok: false, retry: true } as const;
    const { timers, runs, scheduler } = setup([fail, fail, fail, fail, fail, fail, { ok: true }], () => 0.5);
    scheduler.start();
    await timers.advance(200_000);
    // half fixed + half random (0.5): 0.75 of 1, 2, 4, 8, 16, 16 s
    const gaps = runs.slice(1, 8).map((t, i) => t - runs[i]!);
    expect(gaps).toEqual([750, 1_500, 3_000, 6_000, 12_000, 12_000, 60_000]);
    expect(scheduler.failures).toBe(0);
  });

  it('jitter stays within [half, full] of the step', () => {
    for (const r of [0, 0.25, 0.999]) {
      const { scheduler } = setup([], () => r);
      for (let f = 1; f < 10; f++) {
        const ceiling = Math.min(16_000, 1_000 * 2 ** (f - 1));
        const d = scheduler.backoffMs(f);
        expect(d).toBeGreaterThanOrEqual(ceiling / 2);
        expect(d).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it('syncs soon after a counted play while online, not while backing off', async () => {
    const { timers, runs, scheduler } = setup([{ ok: true }, { ok: false, retry: true }]);
    scheduler.start();
    await timers.advance(0);
    scheduler.playCounted();
    await timers.advance(2_000);
    expect(runs).toEqual([0, 2_000]); // the second run fails
    scheduler.playCounted(); // offline: the backoff (750 ms) decides, no extra run
    expect(scheduler.nextAttemptAtMs).toBe(2_750);
  });

  it('stops retrying when the run says it will not help (signed out)', async () => {
    const { timers, runs, scheduler } = setup([{ ok: false, retry: false }]);
    scheduler.start();
    await timers.advance(1_000_000);
    expect(runs).toEqual([0]);
    expect(scheduler.nextAttemptAtMs).toBeNull();
  });

  it('runs on demand one at a time', async () => {
    const { runs, scheduler } = setup([]);
    await Promise.all([scheduler.now(), scheduler.now(), scheduler.now()]);
    expect(runs.length).toBeGreaterThanOrEqual(1);
    expect(scheduler.isRunning).toBe(false);
  });
});
