import type { Clock } from '../core/clock';
import type { Db } from '../db/database';
import { typedDb, type TypedDb } from '../db/typed-query';
import type { WalletTables } from './tables';

/**
 * The co-op server's time as this device last learned it: the offset between
 * the `Date` header of a server answer and this device's wall clock, kept in
 * the local database so it holds offline and across restarts. Receipts are
 * stamped with `nowMs()` (device wall clock + offset), so a device whose clock
 * is an hour fast or months slow still stamps plays with the server's time.
 *
 * Bounded: a header that does not parse, names a time before 2024 or lies
 * more than 30 years from the device's clock is ignored (a broken proxy must
 * not move the stamps to 1970). The header has whole seconds, so the server's
 * time is taken as the middle of that second, and an offset within 1.5 s of
 * the stored one is not rewritten.
 */
export const EARLIEST_SERVER_TIME_MS = Date.UTC(2024, 0, 1);
export const MAX_CLOCK_OFFSET_MS = 30 * 365 * 24 * 3_600_000;
const REWRITE_THRESHOLD_MS = 1_500;
/** A newly learned offset may move stamps back by up to this much; they are held at the last one instead (see `corrected`). */
const HOLD_BACK_MS = 10 * 60_000;

export class ServerClock {
  private readonly db: TypedDb<WalletTables>;
  private offset: number;
  private lastStampMs = -Infinity;

  constructor(
    db: Db,
    private readonly clock: Clock,
  ) {
    this.db = typedDb<WalletTables>(db);
    const row = this.db.get(
      this.db.q.selectFrom('server_clock').select('offset_ms as o').where('id', '=', 1),
    );
    this.offset = row?.o ?? 0;
  }

  /** Milliseconds to add to this device's wall clock to get the server's time. */
  offsetMs(): number {
    return this.offset;
  }

  /** The server's time now, as well as this device knows it. */
  nowMs(): number {
    return this.clock.nowMs() + this.offset;
  }

  /**
   * A clock for stamps: the device's monotonic time, the server's wall time.
   * Stamps do not go backwards when a sync corrects the offset down by a
   * little (the server orders a listener's plays by countedAt): one that would
   * is held at the previous stamp. A bigger step back is a real correction
   * (the device clock was far ahead) and is taken.
   */
  corrected(): Clock {
    return {
      monotonicMs: () => this.clock.monotonicMs(),
      nowMs: () => {
        const raw = this.nowMs();
        const stamp =
          raw < this.lastStampMs && this.lastStampMs - raw <= HOLD_BACK_MS ? this.lastStampMs : raw;
        this.lastStampMs = stamp;
        return stamp;
      },
    };
  }

  /**
   * Learns from a server answer's `Date` header (seen now). Returns whether
   * the offset changed.
   */
  learn(dateHeader: string | null | undefined, serverKey: string): boolean {
    if (!dateHeader) return false;
    const serverSecond = Date.parse(dateHeader);
    if (!Number.isFinite(serverSecond) || serverSecond < EARLIEST_SERVER_TIME_MS) return false;
    const local = this.clock.nowMs();
    const offset = Math.round(serverSecond + 500 - local);
    if (Math.abs(offset) > MAX_CLOCK_OFFSET_MS) return false;
    if (Math.abs(offset - this.offset) < REWRITE_THRESHOLD_MS) return false;
    this.db.run(
      this.db.q
        .updateTable('server_clock')
        .set({ offset_ms: offset, learned_at: local, server_key: serverKey })
        .where('id', '=', 1),
    );
    this.offset = offset;
    return true;
  }
}
