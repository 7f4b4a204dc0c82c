import { sql } from 'kysely';
import { assert } from '../../../shared/assert';
import type { HistoryEntry } from '../../../shared/contract/wallet';
import type { Db } from '../db/database';
import { typedDb, type TypedDb } from '../db/typed-query';
import type { TrackProgress } from './charge-rules';
import type { WalletTables } from './tables';

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

/** A play recorded here, as the sync engine compares it with the server's answer to its receipt. */
export interface ReceiptPlay {
  trackId: string;
  charge: number;
  title: string;
}

/** Track ids per statement in `unsettledPlayCounts`: far below SQLite's bound-parameter limit. */
const UNSETTLED_IDS_PER_STATEMENT = 500;

export class WalletStore {
  private readonly db: TypedDb<WalletTables>;

  /**
   * `owner`: who is using the wallet now (the signed-in account on the server
   * in use, and the current device identity). When the row was written for
   * anyone else, nothing of it is spendable or shown: after signing in as
   * another listener, switching servers or rotating the device key, the old
   * allowance is not theirs. Without it (tests of this store alone) the row
   * is always the owner's.
   */
  constructor(
    db: Db,
    private readonly owner: () => WalletOwner | null = () => null,
  ) {
    this.db = typedDb<WalletTables>(db);
  }

  /** Whose plays History shows and new plays are recorded for: server and account, or null when signed out. */
  listenerKey(): string | null {
    const now = this.owner();
    return now?.serverKey && now.userId ? `${now.serverKey}\n${now.userId}` : null;
  }

  /** Whether the row belongs to whoever uses the wallet now. */
  ownedByCurrent(): boolean {
    const now = this.owner();
    if (!now) return true;
    const { q } = this.db;
    const row = this.db.get(
      q
        .selectFrom('wallet')
        .select(['server_key as s', 'user_id as u', 'device_id as d'])
        .where('id', '=', 1),
    );
    assert(row, 'the wallet row (id = 1) exists (stream2own-001 inserts it)');
    // A row no sync ever wrote (a fresh install holds 0 there; fixtures seed it) is nobody's: usable only while nobody is signed in.
    if (row.s === null && row.u === null && row.d === null) return now.userId === null;
    return row.s === now.serverKey && row.u === now.userId && row.d === now.deviceId;
  }

  balances(): WalletBalances {
    const { q } = this.db;
    const w = this.db.get(
      q
        .selectFrom('wallet')
        .select(['balance_thousandths as b', 'balance_as_of as asOf', 'allowance_thousandths as a'])
        .where('id', '=', 1),
    );
    assert(w, 'the wallet row (id = 1) exists (stream2own-001 inserts it)');
    const pending = this.pendingThousandths();
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

  /** Charges made here that the server has not settled yet. */
  private pendingThousandths(): number {
    const { q } = this.db;
    const row = this.db.get(
      q
        .selectFrom('coop_plays')
        .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('charge_thousandths'), eb.lit(0)).as('n'))
        .where('settled_at', 'is', null),
    );
    const pending = row?.n ?? 0;
    assert(Number.isSafeInteger(pending) && pending >= 0, 'unsettled charges add up to a whole number ≥ 0');
    return pending;
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
    const { q } = this.db;
    this.db.raw.transaction(() => {
      this.db.run(
        q
          .updateTable('wallet')
          .set({
            balance_thousandths: state.balanceThousandths,
            balance_as_of: state.asOfMs,
            allowance_thousandths: state.allowanceThousandths ?? null,
          })
          .where('id', '=', 1),
      );
      if (owner) {
        this.db.run(
          q
            .updateTable('wallet')
            .set({ server_key: owner.serverKey, user_id: owner.userId, device_id: owner.deviceId })
            .where('id', '=', 1),
        );
      }
      for (const id of state.settledReceiptIds ?? []) {
        this.db.run(
          q
            .updateTable('coop_plays')
            .set({ settled_at: state.asOfMs })
            .where('receipt_id', '=', id)
            .where('settled_at', 'is', null),
        );
      }
    })();
  }

  /**
   * Forgets the numbers (another listener signed in): nothing is spendable
   * until that listener's first sync brings their own wallet.
   */
  reset(owner: WalletOwner): void {
    const { q } = this.db;
    this.db.run(
      q
        .updateTable('wallet')
        .set({
          balance_thousandths: 0,
          balance_as_of: null,
          allowance_thousandths: null,
          server_key: owner.serverKey,
          user_id: owner.userId,
          device_id: owner.deviceId,
        })
        .where('id', '=', 1),
    );
  }

  /** The device identity changed: the old device's allowance is not the new one's (the server reserves one per device). */
  forgetAllowance(): void {
    const { q } = this.db;
    this.db.run(q.updateTable('wallet').set({ allowance_thousandths: null }).where('id', '=', 1));
  }

  progress(trackId: string): TrackProgress {
    const { q } = this.db;
    const row = this.db.get(
      q
        .selectFrom('coop_track_progress')
        .select(['paid_plays', 'owned', 'counted_plays', 'previews'])
        .where('track_id', '=', trackId),
    );
    return row
      ? {
          paidPlays: row.paid_plays,
          owned: row.owned === 1,
          countedPlays: row.counted_plays,
          previews: row.previews,
        }
      : { paidPlays: 0, owned: false, countedPlays: 0, previews: 0 };
  }

  /** Writes a track's progress; the time it was first owned stays. */
  saveProgress(trackId: string, progress: TrackProgress, atMs: number): void {
    const { q } = this.db;
    this.db.run(
      q
        .insertInto('coop_track_progress')
        .values({
          track_id: trackId,
          paid_plays: progress.paidPlays,
          owned: progress.owned ? 1 : 0,
          owned_at: progress.owned ? atMs : null,
          counted_plays: progress.countedPlays,
          previews: progress.previews,
        })
        .onConflict((oc) =>
          oc.column('track_id').doUpdateSet((eb) => ({
            paid_plays: eb.ref('excluded.paid_plays'),
            owned: eb.ref('excluded.owned'),
            owned_at: eb.fn.coalesce('coop_track_progress.owned_at', 'excluded.owned_at'),
            counted_plays: eb.ref('excluded.counted_plays'),
            previews: eb.ref('excluded.previews'),
          })),
        ),
    );
  }

  /** Every track with a progress row (a new listener's counts are recomputed for each). */
  trackIdsWithProgress(): string[] {
    const { q } = this.db;
    return this.db.all(q.selectFrom('coop_track_progress').select('track_id')).map((r) => r.track_id);
  }

  /** This device's play for a receipt: its track, its charge and the track's title (its id when uncached). */
  playOfReceipt(receiptId: string): ReceiptPlay | null {
    const row = this.db.get(
      this.db.q
        .selectFrom('coop_plays as p')
        .leftJoin('coop_tracks as t', 't.id', 'p.track_id')
        .select((eb) => [
          'p.track_id as trackId',
          'p.charge_thousandths as charge',
          eb.fn.coalesce('t.title', 'p.track_id').as('title'),
        ])
        .where('p.receipt_id', '=', receiptId),
    );
    return row ?? null;
  }

  /**
   * This device's counted plays the server has not settled yet, per track of `trackIds`
   * (previews aside): how many, and how many of them were charged. Tracks without any are
   * absent. One statement per UNSETTLED_IDS_PER_STATEMENT tracks (a pull page asks for hundreds).
   */
  unsettledPlayCounts(trackIds: readonly string[]): Map<string, { paid: number; counted: number }> {
    const counts = new Map<string, { paid: number; counted: number }>();
    for (let i = 0; i < trackIds.length; i += UNSETTLED_IDS_PER_STATEMENT) {
      const part = trackIds.slice(i, i + UNSETTLED_IDS_PER_STATEMENT);
      for (const r of this.db.all(this.unsettledCountsQuery(part)))
        counts.set(r.track_id, { paid: r.paid, counted: r.counted });
    }
    return counts;
  }

  private unsettledCountsQuery(trackIds: readonly string[]) {
    return this.db.q
      .selectFrom('coop_plays')
      .select((eb) => [
        'track_id',
        eb.fn.coalesce(eb.fn.sum<number>(eb('outcome', '=', 'charged')), sql.lit(0)).as('paid'),
        eb.fn.countAll<number>().as('counted'),
      ])
      .where('track_id', 'in', trackIds)
      .where('settled_at', 'is', null)
      .where('outcome', '<>', 'preview')
      .groupBy('track_id');
  }

  history(options: { limit: number; beforeId?: number }): {
    entries: HistoryEntry[];
    nextBeforeId: number | null;
  } {
    const rows = this.db.all(
      this.historyQuery(options.beforeId ?? Number.MAX_SAFE_INTEGER, options.limit + 1),
    );
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

  /** The current listener's plays before `beforeId`, newest first, with the track's title and artist when cached. */
  private historyQuery(beforeId: number, limit: number) {
    return this.db.q
      .selectFrom('coop_plays as p')
      .leftJoin('coop_tracks as t', 't.id', 'p.track_id')
      .select((eb) => [
        'p.id',
        'p.track_id',
        eb.fn.coalesce('t.title', 'p.track_id').as('title'),
        eb.fn.coalesce('t.artist', eb.val('')).as('artist'),
        'p.outcome',
        'p.free_reason',
        'p.paid_play_number',
        'p.charge_thousandths',
        'p.price_thousandths',
        'p.heard_ms',
        'p.session_started_at',
        'p.counted_at',
        'p.receipt_id',
        'p.settled_at',
      ])
      .where('p.id', '<', beforeId)
      .where('p.listener_key', 'is', this.listenerKey())
      .orderBy('p.id', 'desc')
      .limit(limit);
  }
}
