/**
 * Time as services see it. `monotonicMs` never goes backwards and does not
 * jump when the wall clock is changed; `nowMs` is wall-clock time for
 * timestamps people read. Tests inject a fake.
 */
export interface Clock {
  monotonicMs(): number;
  nowMs(): number;
}

export const systemClock: Clock = {
  monotonicMs: () => performance.now(),
  nowMs: () => Date.now(),
};

/** A clock tests move by hand. */
export class FakeClock implements Clock {
  constructor(
    private mono = 1_000,
    private wall = Date.UTC(2026, 0, 1),
  ) {}
  monotonicMs(): number {
    return this.mono;
  }
  nowMs(): number {
    return this.wall;
  }
  advance(ms: number): void {
    this.mono += ms;
    this.wall += ms;
  }
  /** The wall clock jumps (user changed it, NTP) while monotonic time does not. */
  jumpWall(ms: number): void {
    this.wall += ms;
  }
}
