import { FakeClock } from '../../../src/main/services/core/clock';
import { ListeningGuard, type GuardLog } from '../../../src/main/services/playback/listening-guard';
import type {
  CountedPlay,
  PlayerEventKind,
  ReportResult,
  TrackSource,
} from '../../../src/main/services/playback/types';

export interface LoggedLine {
  level: 'warn' | 'info' | 'error';
  details: object;
  message: string;
}

/** A guard on a fake clock that records counts and log lines, plus a renderer stand-in that numbers its reports. */
export function guardHarness(options: { preview?: boolean; throwOnCount?: boolean } = {}) {
  const clock = new FakeClock();
  const counted: CountedPlay[] = [];
  const logs: LoggedLine[] = [];
  const log: GuardLog = {
    warn: (details, message) => logs.push({ level: 'warn', details, message }),
    info: (details, message) => logs.push({ level: 'info', details, message }),
    error: (details, message) => logs.push({ level: 'error', details, message }),
  };
  let ids = 0;
  const guard = new ListeningGuard({
    clock,
    log,
    newSessionId: () => `session-${++ids}`,
    onCounted(play) {
      if (options.throwOnCount) throw new Error('disk full');
      counted.push(play);
      return { stopPlayback: options.preview ?? false };
    },
  });

  function open(durationMs = 200_000, trackId = 't1', source: TrackSource = 'coop') {
    const session = guard.open({ source, trackId, durationMs });
    let seq = 0;
    const renderer = {
      sessionId: session.sessionId,
      report(
        event: PlayerEventKind,
        positionMs: number,
        extra: { rate?: number; seq?: number; trackId?: string } = {},
      ): ReportResult {
        seq = extra.seq ?? seq + 1;
        return guard.report({
          sessionId: session.sessionId,
          trackId: extra.trackId ?? trackId,
          seq,
          event,
          positionMs,
          rate: extra.rate,
        });
      },
      /** Plays honestly for `ms` from `fromMs` with timeupdates every 250 ms; returns the last result. */
      play(fromMs: number, ms: number, rate = 1): ReportResult {
        let last = renderer.report('playing', fromMs, { rate });
        let pos = fromMs;
        for (let t = 250; t <= ms; t += 250) {
          clock.advance(250);
          pos += 250 * rate;
          last = renderer.report('timeupdate', pos, { rate });
          if (last.stop) break;
        }
        return last;
      },
    };
    return renderer;
  }

  return { clock, guard, counted, logs, open };
}
