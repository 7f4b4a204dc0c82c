import type { Db } from '../db/database';
import type { HistoryEntry } from '../../../shared/contract/wallet';
import type { TrackProgress } from './charge-rules';

/**
 * The wallet as this device knows it: the server's last balance, the
 * offline allowance (once sync provides one), and the charges made here that
 * the server has not settled yet.
 *
 *   spendable = (allowance ?? balance) − unsettled charges, never below 0
 *
 * Every read that decides a charge runs inside the charge's transaction.
 */
/** Whose wallet the row is: the server, account and device identity its numbers came from. */
export interface WalletOwner {
  serverKey: string | null;
  userId: string | null;
  deviceId: string | null;
}

export interface WalletBalances {
  balanceThousandths: number;
  balanceAsOfMs: number | null;
  allowanceThousandths: number | null;
  pendingThousandths: number;
  spendableThousandths: number;
}

export class WalletStore {
  /**
   * `owner`: who is using the wallet now (the signed-in account on the server
   * in use, and the current device identity). When the row was written for
   * anyone else, nothing of it is spendable or shown: after signing in as
   * another listener, switching servers or rotating the device key, the old
   * allowance is not theirs. Without it (tests of this store alone) the row
   * is always the owner's.
   */
  constructor(
    private readonly db: Db,
    private readonly owner: () => WalletOwner | null = () => null,
  ) {}

  /** Whose plays History shows and new plays are recorded for: server and account, or null when signed out. */
  listenerKey(): string | null {
    const now = this.owner();
    return now?.serverKey && now.userId ? `${now.serverKey}\n${now.userId}` : null;
  }

  /** Whether the row belongs to whoever uses the wallet now. */
  ownedByCurrent(): boolean {
    const now = this.owner();
    if (!now) return true;
    const row = this.db
      .prepare('SELECT server_key AS s, user_id AS u, device_id AS d FROM wallet WHERE id = 1')
      .get() as {
      s: string | null;
      u: string | null;
      d: string | null;
    };
    // A row no sync ever wrote (a fresh install holds 0 there; fixtures seed it) is nobody's: usable only while nobody is signed in.
    if (row.s === null && row.u === null && row.d === null) return now.userId === null;
    return row.s === now.serverKey && row.u === now.userId && row.d === now.deviceId;
  }

  balances(): WalletBalances {
    const w = this.db
      .prepare(
        'SELECT balance_thousandths AS b, balance_as_of AS asOf, allowance_thousandths AS a FROM wallet WHERE id = 1',
      )
      .get() as { b: number; asOf: number | null; a: number | null };
    const pending = (
      this.db
        .prepare('SELECT COALESCE(SUM(charge_thousandths), 0) AS n FROM coop_plays WHERE settled_at IS NULL')
        .get() as { n: number }
    ).n;
    if (!this.ownedByCurrent()) {
      return {
        balanceThousandths: 0,
        balanceAsOfMs: null,
        allowanceThousandths: null,
        pendingThousandths: pending,
        spendableThousandths: 0,
      };
    }
    const base = w.a ?? w.b;
    return {
      balanceThousandths: w.b,
      balanceAsOfMs: w.asOf,
      allowanceThousandths: w.a,
      pendingThousandths: pending,
      spendableThousandths: Math.max(0, base - pending),
    };
  }

  /**
   * What the sync engine writes after the server answered: the new balance
   * (which includes the charges it settled) and which local charges those
   * were, in one transaction so pending is never counted twice or not at all.
   */
  applyServerState(state: {
    balanceThousandths: number;
    asOfMs: number;
    allowanceThousandths?: number | null;
    settledReceiptIds?: readonly string[];
    /** Whose numbers these are (default: the current owner). */
    owner?: WalletOwner;
  }): void {
    if (!Number.isSafeInteger(state.balanceThousandths) || state.balanceThousandths < 0) {
      throw new RangeError(`balance must be a whole number ≥ 0, got ${state.balanceThousandths}`);
    }
    const owner = state.owner ?? this.owner();
    this.db.transaction(() => {
      this.db
        .prepare(
          'UPDATE wallet SET balance_thousandths = ?, balance_as_of = ?, allowance_thousandths = ? WHERE id = 1',
        )
        .run(state.balanceThousandths, state.asOfMs, state.allowanceThousandths ?? null);
      if (owner) {
        this.db
          .prepare('UPDATE wallet SET server_key = ?, user_id = ?, device_id = ? WHERE id = 1')
          .run(owner.serverKey, owner.userId, owner.deviceId);
      }
      const settle = this.db.prepare(
        'UPDATE coop_plays SET settled_at = ? WHERE receipt_id = ? AND settled_at IS NULL',
      );
      for (const id of state.settledReceiptIds ?? []) settle.run(state.asOfMs, id);
    })();
  }

  /**
   * Forgets the numbers (another listener signed in): nothing is spendable
   * until that listener's first sync brings their own wallet.
   */
  reset(owner: WalletOwner): void {
    this.db
      .prepare(
        'UPDATE wallet SET balance_thousandths = 0, balance_as_of = NULL, allowance_thousandths = NULL, server_key = ?, user_id = ?, device_id = ? WHERE id = 1',
      )
      .run(owner.serverKey, owner.userId, owner.deviceId);
  }

  /** The device identity changed: the old device's allowance is not the new one's (the server reserves one per device). */
  forgetAllowance(): void {
    this.db.prepare('UPDATE wallet SET allowance_thousandths = NULL WHERE id = 1').run();
  }

  progress(trackId: string): TrackProgress {
    const row = this.db
      .prepare(
        'SELECT paid_plays, owned, counted_plays, previews FROM coop_track_progress WHERE track_id = ?',
      )
      .get(trackId) as
      { paid_plays: number; owned: number; counted_plays: number; previews: number } | undefined;
    return row
      ? {
          paidPlays: row.paid_plays,
          owned: row.owned === 1,
          countedPlays: row.counted_plays,
          previews: row.previews,
        }
      : { paidPlays: 0, owned: false, countedPlays: 0, previews: 0 };
  }

  saveProgress(trackId: string, progress: TrackProgress, atMs: number): void {
    this.db
      .prepare(
        `INSERT INTO coop_track_progress (track_id, paid_plays, owned, owned_at, counted_plays, previews)
         VALUES (@trackId, @paidPlays, @owned, @ownedAt, @countedPlays, @previews)
         ON CONFLICT (track_id) DO UPDATE SET paid_plays = excluded.paid_plays, owned = excluded.owned,
           owned_at = COALESCE(coop_track_progress.owned_at, excluded.owned_at),
           counted_plays = excluded.counted_plays, previews = excluded.previews`,
      )
      .run({
        trackId,
        paidPlays: progress.paidPlays,
        owned: progress.owned ? 1 : 0,
        ownedAt: progress.owned ? atMs : null,
        countedPlays: progress.countedPlays,
        previews: progress.previews,
      });
  }

  history(options: { limit: number; beforeId?: number }): {
    entries: HistoryEntry[];
    nextBeforeId: number | null;
  } {
    const rows = this.db
      .prepare(
        `SELECT p.id, p.track_id, COALESCE(t.title, p.track_id) AS title, COALESCE(t.artist, '') AS artist,
           p.outcome, p.free_reason, p.paid_play_number, p.charge_thousandths, p.price_thousandths, p.heard_ms,
           p.session_started_at, p.counted_at, p.receipt_id, p.settled_at
         FROM coop_plays p LEFT JOIN coop_tracks t ON t.id = p.track_id
         WHERE p.id < @beforeId AND p.listener_key IS @listener ORDER BY p.id DESC LIMIT @limit`,
      )
      .all({
        beforeId: options.beforeId ?? Number.MAX_SAFE_INTEGER,
        limit: options.limit + 1,
        listener: this.listenerKey(),
      }) as {
      id: number;
      track_id: string;
      title: string;
      artist: string;
      outcome: HistoryEntry['outcome'];
      free_reason: HistoryEntry['freeReason'];
      paid_play_number: number | null;
      charge_thousandths: number;
      price_thousandths: number;
      heard_ms: number;
      session_started_at: number;
      counted_at: number;
      receipt_id: string | null;
      settled_at: number | null;
    }[];
    const page = rows.slice(0, options.limit);
    return {
      entries: page.map((r) => ({
        id: r.id,
        trackId: r.track_id,
        title: r.title,
        artist: r.artist,
        outcome: r.outcome,
        freeReason: r.free_reason,
        paidPlayNumber: r.paid_play_number,
        chargeThousandths: r.charge_thousandths,
        priceThousandths: r.price_thousandths,
        heardMs: r.heard_ms,
        sessionStartedAtMs: r.session_started_at,
        countedAtMs: r.counted_at,
        receiptId: r.receipt_id,
        settled: r.settled_at !== null,
      })),
      nextBeforeId: rows.length > options.limit ? (page.at(-1)?.id ?? null) : null,
    };
  }
}
