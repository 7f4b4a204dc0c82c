import type { Db } from '../db/database';

/**
 * Heard time of a co-op track that has not counted yet, per listener, across
 * play sessions, for one window (24 h from the first uncounted listening).
 * The 45-second free preview is one per window, not one per session: a new
 * session of the same track starts from what was heard before, so 0–44 s,
 * 44–88 s, … counts the play at the second piece. A counted play (charged or
 * free) clears it; a preview keeps it (the preview is used up for the window).
 * See docs/listening-guard.md, "One preview per day".
 */
export const PREVIEW_WINDOW_MS = 24 * 3_600_000;

export class PreviewLedger {
  constructor(private readonly db: Db) {}

  /** What `listener` heard of `trackId` in the current window (0 when none or expired). */
  heardMs(listener: string, trackId: string, nowMs: number): number {
    const row = this.db
      .prepare(
        'SELECT heard_ms AS heard, window_started_at AS started FROM coop_preview_heard WHERE listener = ? AND track_id = ?',
      )
      .get(listener, trackId) as { heard: number; started: number } | undefined;
    if (!row || expired(row.started, nowMs)) return 0;
    return row.heard;
  }

  /** Records the total heard so far (never lowers it within a window); an expired window starts again. */
  record(listener: string, trackId: string, heardMs: number, nowMs: number): void {
    if (!Number.isFinite(heardMs) || heardMs < 0) throw new RangeError(`heardMs must be ≥ 0, got ${heardMs}`);
    const heard = Math.floor(heardMs);
    this.db
      .prepare(
        `INSERT INTO coop_preview_heard (listener, track_id, heard_ms, window_started_at, updated_at) VALUES (@listener, @trackId, @heard, @now, @now)
         ON CONFLICT (listener, track_id) DO UPDATE SET
           heard_ms = CASE WHEN @now - window_started_at >= @window OR @now < window_started_at - @window THEN @heard
                           ELSE MAX(heard_ms, @heard) END,
           window_started_at = CASE WHEN @now - window_started_at >= @window OR @now < window_started_at - @window THEN @now
                                    ELSE window_started_at END,
           updated_at = @now`,
      )
      .run({ listener, trackId, heard, now: nowMs, window: PREVIEW_WINDOW_MS });
  }

  /** A play counted: the next session starts from nothing heard. */
  clear(listener: string, trackId: string): void {
    this.db
      .prepare('DELETE FROM coop_preview_heard WHERE listener = ? AND track_id = ?')
      .run(listener, trackId);
  }
}

/**
 * The window is over 24 h after it started. A clock that went back more than
 * a window is treated as a new window too (the time is not trustworthy then
 * either way, and a stuck row must not block a listener for ever).
 */
function expired(startedAtMs: number, nowMs: number): boolean {
  return nowMs - startedAtMs >= PREVIEW_WINDOW_MS || nowMs < startedAtMs - PREVIEW_WINDOW_MS;
}
