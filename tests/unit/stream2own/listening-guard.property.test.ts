import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { COUNT_THRESHOLD_MS } from '../../../src/shared/pricing';
import { PLAYER_EVENTS } from '../../../src/main/services/playback/types';
import { fcParams } from './fc-seed';
import { guardHarness } from './guard-harness';

/**
 * Random event sequences against the guard. Replay a failure with the
 * FC_SEED printed at the top of the run (and fast-check's `path`).
 */

const hostileStep = fc.record({
  dtMs: fc.oneof(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 120_000 })),
  wallJumpMs: fc.oneof(fc.constant(0), fc.integer({ min: -86_400_000, max: 86_400_000 })),
  event: fc.constantFrom(...PLAYER_EVENTS),
  positionMs: fc.oneof(
    fc.integer({ min: 0, max: 400_000 }),
    fc.double({ min: -1e9, max: 1e12, noNaN: true }),
  ),
  rate: fc.option(fc.double({ min: 0.01, max: 100, noNaN: true }), { nil: undefined }),
  seqDelta: fc.oneof(fc.constant(1), fc.integer({ min: -3, max: 5 })),
  otherTrack: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  reopen: fc.integer({ min: 0, max: 99 }).map((n) => n === 0),
});

describe('listening guard properties', () => {
  it('hostile sequences: never counted before 45 s of monotonic time in the session, never twice, heard ≤ elapsed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_000, max: 400_000 }),
        fc.array(hostileStep, { maxLength: 400 }),
        (durationMs, steps) => {
          const h = guardHarness();
          let r = h.open(durationMs);
          let openedMono = h.clock.monotonicMs();
          let seq = 0;
          const countsPerSession = new Map<string, number>();
          let lastHeard = 0;
          for (const step of steps) {
            if (step.reopen) {
              r = h.open(durationMs);
              openedMono = h.clock.monotonicMs();
              seq = 0;
              lastHeard = 0;
            }
            h.clock.advance(step.dtMs);
            h.clock.jumpWall(step.wallJumpMs);
            seq += step.seqDelta;
            const before = h.counted.length;
            const result = r.report(step.event, step.positionMs, {
              seq,
              rate: step.rate,
              trackId: step.otherTrack ? 'other' : 't1',
            });
            const elapsed = h.clock.monotonicMs() - openedMono;
            expect(result.heardMs).toBeLessThanOrEqual(elapsed);
            if (result.accepted || result.reason === 'position_jump') {
              expect(result.heardMs).toBeGreaterThanOrEqual(lastHeard);
              lastHeard = result.heardMs;
            }
            if (h.counted.length > before) {
              const play = h.counted.at(-1)!;
              countsPerSession.set(play.sessionId, (countsPerSession.get(play.sessionId) ?? 0) + 1);
              if (durationMs >= COUNT_THRESHOLD_MS) {
                expect(play.heardMs).toBeGreaterThanOrEqual(COUNT_THRESHOLD_MS);
                expect(elapsed).toBeGreaterThanOrEqual(COUNT_THRESHOLD_MS);
              } else {
                expect(play.heardMs).toBeGreaterThanOrEqual(durationMs - 1_000);
                expect(elapsed).toBeGreaterThanOrEqual(durationMs - 1_000);
              }
            }
          }
          for (const n of countsPerSession.values()) expect(n).toBe(1);
        },
      ),
      fcParams(300),
    );
  });

  const userAction = fc.oneof(
    fc.record({ kind: fc.constant('listen' as const), ms: fc.integer({ min: 0, max: 30_000 }) }),
    fc.record({ kind: fc.constant('pause' as const), ms: fc.integer({ min: 0, max: 60_000 }) }),
    fc.record({ kind: fc.constant('seek' as const), toFraction: fc.double({ min: 0, max: 1, noNaN: true }) }),
    fc.record({ kind: fc.constant('rate' as const), rate: fc.constantFrom(0.5, 0.75, 1, 1.25, 1.5, 2, 4) }),
    fc.record({ kind: fc.constant('suspend' as const), ms: fc.integer({ min: 0, max: 3_600_000 }) }),
  );

  it('an honest renderer: heard time is exactly what the rules say, and the play counts exactly when it reaches 45 s', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 5_000, max: 300_000 }),
        fc.array(userAction, { maxLength: 60 }),
        (durationMs, actions) => {
          const h = guardHarness();
          const r = h.open(durationMs);
          const audio = { position: 0, rate: 1, ended: false };
          let truthHeard = 0; // the rule: per tick, min(time passed, position advanced)
          let countedAtTruth: number | null = null;
          r.report('playing', 0, { rate: 1 });
          const tick = (ms: number) => {
            h.clock.advance(ms);
            const advance = Math.min(ms * audio.rate, durationMs - audio.position);
            audio.position += advance;
            truthHeard += Math.min(ms, advance);
            const ended = audio.position >= durationMs;
            const res = r.report(ended ? 'ended' : 'timeupdate', audio.position, { rate: audio.rate });
            if (res.counted && countedAtTruth === null) countedAtTruth = truthHeard;
            if (ended) audio.ended = true;
          };
          for (const action of actions) {
            if (audio.ended) break;
            switch (action.kind) {
              case 'listen':
                for (let t = 0; t < action.ms && !audio.ended; t += 250) tick(Math.min(250, action.ms - t));
                break;
              case 'pause':
                r.report('paused', audio.position, { rate: audio.rate });
                h.clock.advance(action.ms);
                r.report('playing', audio.position, { rate: audio.rate });
                break;
              case 'seek':
                audio.position = Math.floor(action.toFraction * (durationMs - 1));
                r.report('seeked', audio.position, { rate: audio.rate });
                break;
              case 'rate':
                audio.rate = action.rate;
                r.report('ratechange', audio.position, { rate: audio.rate });
                break;
              case 'suspend':
                h.clock.jumpWall(action.ms); // monotonic time stands still while asleep
                break;
            }
          }
          const session = h.guard.session(r.sessionId)!;
          expect(session.heardMs).toBe(truthHeard);
          const due = durationMs >= COUNT_THRESHOLD_MS ? COUNT_THRESHOLD_MS : null;
          if (due !== null) {
            expect(h.counted.length).toBe(truthHeard >= due ? 1 : 0);
            if (countedAtTruth !== null) expect(countedAtTruth).toBeGreaterThanOrEqual(due);
          } else {
            expect(h.counted.length).toBeLessThanOrEqual(1);
            if (h.counted.length === 1) expect(truthHeard).toBeGreaterThanOrEqual(durationMs - 1_000);
          }
        },
      ),
      fcParams(300),
    );
  });
});
