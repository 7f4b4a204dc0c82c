import { randomUUID } from 'node:crypto';
import { COUNT_THRESHOLD_MS, heardMsNeededToCount, isShortTrack } from '../../../shared/pricing';
import type { Clock } from '../core/clock';
import { FloodGate } from './flood-gate';
import type {
  CountDecision,
  CountedPlay,
  PlayerReport,
  ReportRejection,
  ReportResult,
  TrackSource,
} from './types';

/**
 * The listening guard: measures, in the main process, how long a play session
 * has really been heard, and counts the play exactly once when that reaches
 * 45 s (or, for a short track, its end). The rules as built, and every
 * judgement call behind them, are in `docs/listening-guard.md`.
 *
 * The one invariant everything rests on: listening time is only ever credited
 * for an interval between two consecutive baselines (an accepted report while
 * playing), as the smaller of the monotonic time and the position advance in
 * that interval. The intervals never overlap, so heard time can never exceed
 * the monotonic time since the session opened, whatever the renderer says.
 */

export interface GuardLimits {
  /** Reports allowed in a burst, and sustained per second (timeupdate fires about 4 times a second). */
  floodBurst: number;
  floodPerSecond: number;
  /** A position advance beyond elapsed × max(rate, 1) × this factor + slack is a jump, not playback. */
  jumpRateFactor: number;
  jumpSlackMs: number;
  /** How many closed session ids are remembered, so a late report gets "closed" rather than "unknown". */
  rememberClosed: number;
}

export const defaultGuardLimits: GuardLimits = {
  floodBurst: 60,
  floodPerSecond: 20,
  jumpRateFactor: 1.25,
  jumpSlackMs: 2_000,
  rememberClosed: 64,
};

/** Playback rates an audio element accepts in Chromium; anything else is clamped to this range. */
const MIN_RATE = 1 / 16;
const MAX_RATE = 16;

export interface GuardLog {
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface ListeningGuardDeps {
  clock: Clock;
  log: GuardLog;
  /** Decides and records the charge (in one transaction) when a play is counted. May throw. */
  onCounted(play: CountedPlay): CountDecision;
  limits?: Partial<GuardLimits>;
  newSessionId?: () => string;
  /**
   * Called after a report added heard time to a session that has not
   * counted yet (before the count is decided), so heard time can be kept
   * across sessions (one free preview per window, not per session).
   */
  onHeard?(session: SessionSnapshot): void;
}

export interface OpenSessionInput {
  source: TrackSource;
  trackId: string;
  durationMs: number;
  /** Heard in earlier sessions of this track that did not count (the preview window); default 0. */
  heardBeforeMs?: number;
}

export interface SessionSnapshot {
  sessionId: string;
  source: TrackSource;
  trackId: string;
  durationMs: number;
  phase: SessionPhase;
  playing: boolean;
  heardMs: number;
  counted: boolean;
  startedAtMs: number;
}

/** open: may play · ended/failed: the track ran out or broke · stopped: preview over · closed: replaced or closed. */
type SessionPhase = 'open' | 'ended' | 'failed' | 'stopped' | 'closed';

interface Session {
  readonly id: string;
  readonly source: TrackSource;
  readonly trackId: string;
  readonly durationMs: number;
  readonly openedMono: number;
  readonly startedAtMs: number;
  /** Carried over from earlier sessions; this session's own listening is heardMs − heardBeforeMs. */
  readonly heardBeforeMs: number;
  phase: SessionPhase;
  /** Where and when listening was last measured from; null unless playing. */
  baseline: { mono: number; positionMs: number } | null;
  heardMs: number;
  counted: boolean;
  lastSeq: number;
  rate: number;
  readonly gate: FloodGate;
  /** Rejections so far, per reason: logged at the 1st, 2nd, 4th, 8th, … so a hostile renderer cannot flood the log. */
  readonly rejections: Map<ReportRejection, number>;
}

function assertInvariant(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`listening guard invariant broken: ${message}`);
}

export class ListeningGuard {
  private readonly limits: GuardLimits;
  /** At most one open session: the app has one player, and opening a track replaces what played before. */
  private current: Session | null = null;
  private readonly closed = new Map<string, Session>();

  constructor(private readonly deps: ListeningGuardDeps) {
    this.limits = { ...defaultGuardLimits, ...deps.limits };
  }

  /** Starts a play session (the caller hands out the media URL). Any session before it is closed. */
  open(input: OpenSessionInput): SessionSnapshot {
    if (!Number.isSafeInteger(input.durationMs) || input.durationMs <= 0) {
      throw new RangeError(`durationMs must be a positive integer, got ${input.durationMs}`);
    }
    const heardBeforeMs = input.heardBeforeMs ?? 0;
    if (!Number.isFinite(heardBeforeMs) || heardBeforeMs < 0)
      throw new RangeError(`heardBeforeMs must be ≥ 0, got ${heardBeforeMs}`);
    if (this.current) this.close(this.current.id);
    const mono = this.deps.clock.monotonicMs();
    const session: Session = {
      id: (this.deps.newSessionId ?? randomUUID)(),
      source: input.source,
      trackId: input.trackId,
      durationMs: input.durationMs,
      openedMono: mono,
      startedAtMs: this.deps.clock.nowMs(),
      heardBeforeMs,
      phase: 'open',
      baseline: null,
      heardMs: heardBeforeMs,
      counted: false,
      lastSeq: 0,
      rate: 1,
      gate: new FloodGate(this.limits.floodBurst, this.limits.floodPerSecond, mono),
      rejections: new Map(),
    };
    this.current = session;
    return this.snapshot(session);
  }

  /** Ends a session: later reports for it are rejected. Idempotent. */
  close(sessionId: string): boolean {
    const session = this.current;
    if (!session || session.id !== sessionId) return false;
    session.phase = session.phase === 'open' ? 'closed' : session.phase;
    session.baseline = null;
    this.current = null;
    this.closed.set(session.id, session);
    while (this.closed.size > this.limits.rememberClosed) {
      const oldest = this.closed.keys().next().value as string;
      this.closed.delete(oldest);
    }
    return true;
  }

  /** The session that may still play, if this is it: the media resolver serves co-op audio only to it. */
  liveSession(sessionId: string): SessionSnapshot | null {
    const s = this.current;
    return s && s.id === sessionId && s.phase === 'open' ? this.snapshot(s) : null;
  }

  /** The live session, if it plays this track. */
  liveSessionOf(source: TrackSource, trackId: string): SessionSnapshot | null {
    const s = this.current;
    return s && s.source === source && s.trackId === trackId && s.phase === 'open' ? this.snapshot(s) : null;
  }

  session(sessionId: string): SessionSnapshot | null {
    const s = this.current?.id === sessionId ? this.current : this.closed.get(sessionId);
    return s ? this.snapshot(s) : null;
  }

  report(report: PlayerReport): ReportResult {
    const now = this.deps.clock.monotonicMs();
    const session = this.current?.id === report.sessionId ? this.current : null;
    if (!session) {
      const old = this.closed.get(report.sessionId);
      if (old)
        return this.reject(
          old,
          report,
          old.phase === 'stopped'
            ? 'preview_ended'
            : old.phase === 'closed'
              ? 'session_closed'
              : 'session_ended',
        );
      return this.rejectUnknown(report);
    }
    if (report.trackId !== session.trackId) return this.reject(session, report, 'track_mismatch');
    if (session.phase === 'stopped') return this.reject(session, report, 'preview_ended');
    if (session.phase !== 'open') return this.reject(session, report, 'session_ended');
    if (!session.gate.tryTake(now)) return this.reject(session, report, 'flooding');
    if (!Number.isSafeInteger(report.seq) || report.seq <= session.lastSeq)
      return this.reject(session, report, 'out_of_order');
    session.lastSeq = report.seq;

    const position = Math.max(0, report.positionMs);
    const heardBefore = session.heardMs;
    let jumped = false;
    switch (report.event) {
      case 'playing':
        if (session.baseline) jumped = this.accrue(session, now, position);
        else session.baseline = { mono: now, positionMs: position };
        break;
      case 'timeupdate':
        // While paused the position can only move by a seek; nothing to measure.
        if (session.baseline) jumped = this.accrue(session, now, position);
        break;
      case 'paused':
        if (session.baseline) jumped = this.accrue(session, now, position);
        session.baseline = null;
        break;
      case 'seeked':
        // The position the seek left from is unknown; credit nothing since the last
        // report (at most one timeupdate interval) and measure on from the new place.
        if (session.baseline) session.baseline = { mono: now, positionMs: position };
        break;
      case 'ratechange':
        if (session.baseline) jumped = this.accrue(session, now, position);
        break;
      case 'ended':
        if (session.baseline) jumped = this.accrue(session, now, position);
        session.baseline = null;
        session.phase = 'ended';
        break;
      case 'error':
        if (session.baseline) jumped = this.accrue(session, now, position);
        session.baseline = null;
        session.phase = 'failed';
        break;
    }
    // The rate only widens what counts as a plausible advance; it never adds time.
    if (report.rate !== undefined && Number.isFinite(report.rate)) {
      session.rate = Math.min(MAX_RATE, Math.max(MIN_RATE, report.rate));
    }
    assertInvariant(
      session.heardMs - session.heardBeforeMs <= now - session.openedMono,
      'heard time exceeds the time the session has been open',
    );
    if (!session.counted && session.heardMs > heardBefore && this.deps.onHeard) {
      try {
        this.deps.onHeard(this.snapshot(session));
      } catch (error) {
        // Keeping the preview window is best effort; the count itself does not depend on it.
        this.deps.log.error(
          { err: error, sessionId: session.id },
          'could not keep the heard time of a session',
        );
      }
    }

    const stop = this.countIfDue(session, report.event === 'ended');
    if (jumped) return this.rejectAfterApplying(session, report, 'position_jump', stop);
    return { accepted: true, heardMs: session.heardMs, counted: session.counted, stop };
  }

  /**
   * Credits the interval since the baseline: the smaller of the monotonic time
   * that passed and the position that advanced. A move the clock cannot
   * explain is treated as an unannounced seek: nothing is credited and the
   * baseline moves on. Returns whether it was such a jump.
   */
  private accrue(session: Session, now: number, positionMs: number): boolean {
    const base = session.baseline;
    assertInvariant(base !== null, 'accrue without a baseline');
    const elapsed = Math.max(0, now - base.mono);
    const advanced = positionMs - base.positionMs;
    const plausible =
      elapsed * Math.max(session.rate, 1) * this.limits.jumpRateFactor + this.limits.jumpSlackMs;
    session.baseline = { mono: now, positionMs };
    if (advanced > plausible || advanced < -this.limits.jumpSlackMs) return true;
    session.heardMs += Math.max(0, Math.min(elapsed, advanced));
    return false;
  }

  /** Counts the play once it is due; returns whether the renderer must stop. */
  private countIfDue(session: Session, endedNow: boolean): boolean {
    if (session.counted) return false;
    const due = isShortTrack(session.durationMs)
      ? session.heardMs >= COUNT_THRESHOLD_MS ||
        (endedNow && session.heardMs >= heardMsNeededToCount(session.durationMs))
      : session.heardMs >= COUNT_THRESHOLD_MS;
    if (!due) return false;
    session.counted = true;
    const play: CountedPlay = {
      sessionId: session.id,
      source: session.source,
      trackId: session.trackId,
      durationMs: session.durationMs,
      heardMs: session.heardMs,
      sessionStartedAtMs: session.startedAtMs,
      countedAtMs: this.deps.clock.nowMs(),
    };
    let decision: CountDecision;
    try {
      decision = this.deps.onCounted(play);
    } catch (error) {
      // The charge could not be recorded. Playing on would be listening unpaid, so stop.
      this.deps.log.error(
        { err: error, sessionId: session.id, trackId: session.trackId },
        'counting a play failed; stopping playback',
      );
      session.counted = false;
      session.phase = 'failed';
      session.baseline = null;
      return true;
    }
    this.deps.log.info(
      { sessionId: session.id, trackId: session.trackId, heardMs: session.heardMs },
      'play counted',
    );
    if (decision.stopPlayback) {
      session.phase = 'stopped';
      session.baseline = null;
      return true;
    }
    return false;
  }

  private rejectUnknown(report: PlayerReport): ReportResult {
    this.deps.log.warn(
      { sessionId: String(report.sessionId).slice(0, 64), event: report.event },
      'rejected player report: unknown_session',
    );
    return { accepted: false, reason: 'unknown_session', heardMs: 0, counted: false, stop: true };
  }

  private reject(session: Session, report: PlayerReport, reason: ReportRejection): ReportResult {
    return this.rejectAfterApplying(session, report, reason, session.phase !== 'open');
  }

  private rejectAfterApplying(
    session: Session,
    report: PlayerReport,
    reason: ReportRejection,
    stop: boolean,
  ): ReportResult {
    const count = (session.rejections.get(reason) ?? 0) + 1;
    session.rejections.set(reason, count);
    if ((count & (count - 1)) === 0) {
      this.deps.log.warn(
        {
          sessionId: session.id,
          trackId: session.trackId,
          event: report.event,
          seq: report.seq,
          positionMs: report.positionMs,
          reason,
          count,
        },
        `rejected player report: ${reason}`,
      );
    }
    return { accepted: false, reason, heardMs: session.heardMs, counted: session.counted, stop };
  }

  private snapshot(s: Session): SessionSnapshot {
    return {
      sessionId: s.id,
      source: s.source,
      trackId: s.trackId,
      durationMs: s.durationMs,
      phase: s.phase,
      playing: s.baseline !== null,
      heardMs: s.heardMs,
      counted: s.counted,
      startedAtMs: s.startedAtMs,
    };
  }
}
