import type { ExpressionBuilder } from 'kysely';
import type { Db } from '../db/database';
import { typedDb, type TypedDb } from '../db/typed-query';
import type { WalletTables } from './tables';

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

type UpsertScope = ExpressionBuilder<
  WalletTables & { excluded: WalletTables['coop_preview_heard'] },
  'coop_preview_heard' | 'excluded'
>;

export class PreviewLedger {
  private readonly db: TypedDb<WalletTables>;

  constructor(db: Db) {
    this.db = typedDb<WalletTables>(db);
  }

  /** What `listener` heard of `trackId` in the current window (0 when none or expired). */
  heardMs(listener: string, trackId: string, nowMs: number): number {
    const { q } = this.db;
    const row = this.db.get(
      q
        .selectFrom('coop_preview_heard')
        .select(['heard_ms as heard', 'window_started_at as started'])
        .where('listener', '=', listener)
        .where('track_id', '=', trackId),
    );
    if (!row || expired(row.started, nowMs)) return 0;
    return row.heard;
  }

  /** Records the total heard so far (never lowers it within a window); an expired window starts again. */
  record(listener: string, trackId: string, heardMs: number, nowMs: number): void {
    if (!Number.isFinite(heardMs) || heardMs < 0) throw new RangeError(`heardMs must be ≥ 0, got ${heardMs}`);
    const heard = Math.floor(heardMs);
    const { q } = this.db;
    this.db.run(
      q
        .insertInto('coop_preview_heard')
        .values({
          listener,
          track_id: trackId,
          heard_ms: heard,
          window_started_at: nowMs,
          updated_at: nowMs,
        })
        .onConflict((oc) =>
          oc.columns(['listener', 'track_id']).doUpdateSet((eb) => ({
            heard_ms: eb
              .case()
              .when(storedWindowExpired(eb, nowMs))
              .then(heard)
              .else(eb.fn<number>('max', ['coop_preview_heard.heard_ms', eb.val(heard)]))
              .end(),
            window_started_at: eb
              .case()
              .when(storedWindowExpired(eb, nowMs))
              .then(nowMs)
              .else(eb.ref('coop_preview_heard.window_started_at'))
              .end(),
            updated_at: nowMs,
          })),
        ),
    );
  }

  /** A play counted: the next session starts from nothing heard. */
  clear(listener: string, trackId: string): void {
    const { q } = this.db;
    this.db.run(
      q.deleteFrom('coop_preview_heard').where('listener', '=', listener).where('track_id', '=', trackId),
    );
  }
}

/** `expired` in SQL, for the stored row of an upsert. */
function storedWindowExpired(eb: UpsertScope, nowMs: number) {
  const started = eb.ref('coop_preview_heard.window_started_at');
  return eb.or([
    eb(eb(eb.val(nowMs), '-', started), '>=', PREVIEW_WINDOW_MS),
    eb(eb.val(nowMs), '<', eb(started, '-', PREVIEW_WINDOW_MS)),
  ]);
}

/**
 * The window is over 24 h after it started. A clock that went back more than
 * a window is treated as a new window too (the time is not trustworthy then
 * either way, and a stuck row must not block a listener for ever).
 */
function expired(startedAtMs: number, nowMs: number): boolean {
  return nowMs - startedAtMs >= PREVIEW_WINDOW_MS || nowMs < startedAtMs - PREVIEW_WINDOW_MS;
}
