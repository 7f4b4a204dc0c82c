import { createHmac, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import {
  EARNINGS_REPORT_FORMAT,
  EARNINGS_REPORT_VERSION,
  compareSettlementOrder,
  addPlayToTotals,
  emptyTotals,
  type EarningsReport,
  type EarningsTotals,
  type OpeningState,
  type ReportPlay,
  type ReportPurchase,
} from '../../shared/earnings-report';
import { PAID_PLAYS_TO_OWN, splitCharge } from '../../shared/pricing';
import type { SignedPlayReceipt } from '../../shared/receipt';
import type { ServerContext } from '../context';
import { toInt, type Tx } from '../db/transaction';
import { ApiError } from '../http/errors';

/**
 * The earnings report export for artists' audits (`docs/earnings-report.md`,
 * schema `src/shared/earnings-report.ts`): every play of the artist's tracks
 * settled in [from, to), with the receipt exactly as the listener's device
 * signed it and the device's public key, the server's decision (outcome,
 * index, price), the artist and co-op shares as booked in the ledger, the
 * "buy the rest" purchases, each listener's opening state, and totals.
 *
 * Listeners appear only as pseudonyms: HMAC-SHA256 of the account id under a
 * key that is random per report (default), or, with `stable`, derived from a
 * server secret and the artist id, so one artist's consecutive reports can be
 * verified as a chain. Neither reveals an account id.
 *
 * Consecutive reports must hold every settlement exactly once, on PostgreSQL
 * with several instances too. A report reads one snapshot (REPEATABLE READ,
 * read only) and exports a period only once no settlement of it can still
 * commit (`cutPeriod`): its end is capped at the database's clock, it waits
 * until the end lies `settlementClockSkewMs` in the past, and until every
 * transaction that began before that has ended.
 */
export type PseudonymScope = 'report' | 'stable';

/** The latest instant the report format can write (year 9999). */
export const MAX_REPORT_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** How long a report waits, beyond the clock skew, for the transactions that may still settle in its period. */
const SETTLING_WAIT_MS = 10_000;

const iso = (ms: number) => new Date(ms).toISOString();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const pairKey = (userId: string, trackId: string) => `${userId}\n${trackId}`;

/** Every play and purchase has one since migration 0006 (backfilled); its absence is a broken invariant, not a client error. */
function settleSeq(value: unknown, what: string): number {
  if (value === null || value === undefined)
    throw new Error(`settlement invariant broken: ${what} has no settlement sequence number`);
  return toInt(value);
}

async function pseudonymKey(ctx: ServerContext, artistId: string, scope: PseudonymScope): Promise<Buffer> {
  if (scope === 'report') return randomBytes(32);
  const secret = await ctx.store.db
    .selectFrom('server_secrets')
    .select('value')
    .where('name', '=', 'report_pseudonyms')
    .executeTakeFirstOrThrow();
  return createHmac('sha256', Buffer.from(secret.value, 'base64url')).update(`artist:${artistId}`).digest();
}

type Pseudonym = (userId: string) => string;

/** Thrown inside the report's transaction when its period may still be settling: the snapshot is dropped and taken again later. */
class PeriodStillSettling extends Error {
  constructor(
    readonly retryInMs: number,
    /** Where the period ends: the next attempt keeps it (a default end is "now" once, not at every attempt). */
    readonly to: number,
    why: string,
  ) {
    super(why);
  }
}

export async function earningsReport(
  ctx: ServerContext,
  artistId: string,
  range: { from: number; to?: number },
  scope: PseudonymScope,
): Promise<EarningsReport> {
  const { db } = ctx.store;
  const artist = await db
    .selectFrom('artists')
    .select(['id', 'name'])
    .where('id', '=', artistId)
    .executeTakeFirst();
  if (!artist) throw new ApiError(404, 'not_found', 'artist not found');
  const key = await pseudonymKey(ctx, artistId, scope);
  const pseudonyms = new Map<string, string>();
  const pseudonym: Pseudonym = (userId) => {
    let p = pseudonyms.get(userId);
    if (!p) {
      p = `L-${createHmac('sha256', key).update(userId).digest('base64url').slice(0, 22)}`;
      pseudonyms.set(userId, p);
    }
    return p;
  };

  const giveUpAt = Date.now() + ctx.config.settlementClockSkewMs + SETTLING_WAIT_MS;
  let period = range;
  for (;;) {
    try {
      // One snapshot for every read: a play without its ledger entries (or the
      // other way round), or a settlement between two reads, cannot be seen.
      let begin = db.transaction();
      if (ctx.store.kind === 'postgres')
        begin = begin.setIsolationLevel('repeatable read').setAccessMode('read only');
      return await begin.execute(async (tx) => {
        const cut = await cutPeriod(ctx, tx, period);
        if ('retryInMs' in cut) throw new PeriodStillSettling(cut.retryInMs, cut.to, cut.why);
        return readReport(tx, artist, { from: period.from, to: cut.to }, cut.nowMs, pseudonym);
      });
    } catch (error) {
      if (!(error instanceof PeriodStillSettling)) throw error;
      if (Date.now() + error.retryInMs > giveUpAt)
        throw new ApiError(503, 'period_settling', `${error.message}; try again in a moment`);
      period = { from: period.from, to: error.to };
      await sleep(error.retryInMs);
    }
  }
}

type Cut = { nowMs: number; to: number } | { retryInMs: number; to: number; why: string };

/**
 * Where the period ends, by one clock, and whether this snapshot holds every
 * settlement before that end. It is the first read of the transaction, so on
 * PostgreSQL the snapshot is the one this statement takes.
 *
 * SQLite: one instance, one clock (the server's), and the one connection runs
 * this transaction and every settlement one after another; a settlement reads
 * its time inside its transaction, so those after this snapshot are at `now`
 * or later: the period ends at `now` at the latest.
 *
 * PostgreSQL: settlement times come from each instance's clock, read after the
 * wallet lock, so after the settling transaction began and got its id. With
 * every instance's clock at most S = `settlementClockSkewMs` behind the
 * database's, a settlement dated before `to` is made by a transaction begun
 * before `to + S` (database time). The snapshot holds all of them when it is
 * taken at `to + S` or later, and none of the transactions it sees as still
 * running began before `to + S` (their ids, matched with pg_stat_activity; one
 * that cannot be matched counts as early). Otherwise: wait and take it again.
 */
async function cutPeriod(ctx: ServerContext, tx: Tx, range: { from: number; to?: number }): Promise<Cut> {
  const closed = (nowMs: number) => Math.min(range.to ?? nowMs, nowMs);
  if (ctx.store.kind === 'sqlite') {
    const nowMs = ctx.clock.nowMs();
    const to = closed(nowMs);
    if (to <= range.from)
      throw new ApiError(409, 'period_open', `the period has not begun yet (it is ${iso(nowMs)})`);
    return { nowMs, to };
  }
  const skew = ctx.config.settlementClockSkewMs;
  // Transaction ids are the cluster's: those of other databases cannot write here.
  const { rows } = await sql<{
    now_ms: unknown;
    running: Array<{ xid: string; elsewhere: boolean; began_ms: number | null }>;
  }>`
    SELECT (extract(epoch FROM statement_timestamp()) * 1000)::bigint AS now_ms,
      coalesce((
        SELECT json_agg(json_build_object('xid', x::text, 'elsewhere', a.datname IS NOT NULL AND a.datname <> current_database(),
          'began_ms', (extract(epoch FROM a.xact_start) * 1000)::bigint))
        FROM pg_snapshot_xip(pg_current_snapshot()) AS x
        LEFT JOIN LATERAL (SELECT datname, xact_start FROM pg_stat_activity WHERE backend_xid = xid(x) LIMIT 1) a ON true), '[]'::json) AS running`.execute(
    tx,
  );
  const nowMs = toInt(rows[0]!.now_ms);
  const to = closed(nowMs);
  if (to <= range.from)
    throw new ApiError(
      409,
      'period_open',
      `the period has not begun yet (it is ${iso(nowMs)} by the database's clock)`,
    );
  if (nowMs < to + skew)
    return {
      retryInMs: to + skew - nowMs,
      to,
      why: `settlements dated up to ${iso(to)} may still be committing`,
    };
  // Unmatched (ended since the snapshot, or its start not visible to this role): counted as early.
  const early = rows[0]!.running.filter(
    (t) => !t.elsewhere && (t.began_ms === null || t.began_ms < to + skew),
  );
  if (early.length) {
    const list = early
      .slice(0, 5)
      .map((t) => `${t.xid}${t.began_ms === null ? '' : ` (begun ${iso(t.began_ms)})`}`)
      .join(', ');
    return {
      retryInMs: 25,
      to,
      why: `transactions begun before ${iso(to + skew)} (the period's end and the clock skew) are still running: ${list}`,
    };
  }
  return { nowMs, to };
}

type PlayRow = Awaited<ReturnType<typeof readPlayRows>>[number];
type MoneyRow = Awaited<ReturnType<typeof readMoneyRows>>[number];

function readPlayRows(tx: Tx, artistId: string, range: { from: number; to: number }) {
  return tx
    .selectFrom('plays')
    .innerJoin('devices', 'devices.id', 'plays.device_id')
    .select([
      'plays.receipt_id',
      'plays.user_id',
      'plays.track_id',
      'plays.outcome',
      'plays.free_reason',
      'plays.play_index',
      'plays.price',
      'plays.settled_at',
      'plays.settle_seq',
      'plays.receipt_json',
      'plays.signature',
      'devices.public_key',
    ])
    .where('plays.artist_id', '=', artistId)
    .where('plays.settled_at', '>=', range.from)
    .where('plays.settled_at', '<', range.to)
    .execute();
}

/** The artist's and the co-op's entries of each transfer and track, as booked. */
function readMoneyRows(tx: Tx, artistId: string, range: { from: number; to: number }) {
  return tx
    .selectFrom('ledger_entries as a')
    .innerJoin('ledger_entries as c', (join) =>
      join
        .onRef('c.transfer_id', '=', 'a.transfer_id')
        .onRef('c.track_id', '=', 'a.track_id')
        .on('c.account_type', '=', 'coop'),
    )
    .innerJoin('transfers as t', 't.id', 'a.transfer_id')
    .select([
      'a.transfer_id',
      'a.track_id',
      'a.amount as artist',
      'c.amount as coop',
      'a.created_at',
      't.kind',
      't.user_id',
      't.receipt_id',
      't.settle_seq',
    ])
    .where('a.account_type', '=', 'artist')
    .where('a.account_id', '=', artistId)
    .where('a.created_at', '>=', range.from)
    .where('a.created_at', '<', range.to)
    .execute();
}

async function readReport(
  tx: Tx,
  artist: { id: string; name: string },
  range: { from: number; to: number },
  nowMs: number,
  pseudonym: Pseudonym,
): Promise<EarningsReport> {
  const plays = await readPlayRows(tx, artist.id, range);
  const money = await readMoneyRows(tx, artist.id, range);
  const reportPlays = toReportPlays(plays, money, pseudonym);
  const purchases = toPurchases(money, pseudonym);
  const openingStates = await readOpeningStates(tx, artist.id, range.from, plays, money, pseudonym);
  const { totals, perTrack } = sumTotals(reportPlays, purchases);
  const catalog = perTrack.size
    ? await tx
        .selectFrom('tracks')
        .select(['id', 'title', 'duration_ms'])
        .where('id', 'in', [...perTrack.keys()])
        .execute()
    : [];
  const tracks = catalog
    .map((t) => ({ trackId: t.id, title: t.title, durationMs: t.duration_ms, totals: perTrack.get(t.id)! }))
    .sort((a, b) => byString(a.trackId, b.trackId));
  return {
    format: EARNINGS_REPORT_FORMAT,
    version: EARNINGS_REPORT_VERSION,
    generatedAt: iso(nowMs),
    period: { from: iso(range.from), to: iso(range.to) },
    artist: { id: artist.id, name: artist.name },
    tracks,
    openingStates,
    plays: reportPlays,
    purchases,
    totals,
  } satisfies EarningsReport;
}

function toReportPlays(plays: PlayRow[], money: MoneyRow[], pseudonym: Pseudonym): ReportPlay[] {
  const shareOfReceipt = new Map(money.filter((m) => m.kind === 'play').map((m) => [m.receipt_id!, m]));
  const reportPlays = plays.map((p): ReportPlay => {
    if (p.receipt_json === null || p.signature === null) {
      // Settled before the server kept signed receipts (migration 0002): it cannot be audited.
      throw new ApiError(
        409,
        'not_auditable',
        `play ${p.receipt_id} was settled before signed receipts were kept; choose a later period`,
      );
    }
    const booked = shareOfReceipt.get(p.receipt_id);
    // A paid play's charge is booked in the same transaction, dated the same instant: one snapshot sees both or neither.
    if (p.outcome === 'paid' && !booked)
      throw new Error(`ledger invariant broken: paid play ${p.receipt_id} has no entries in its period`);
    const signed: SignedPlayReceipt = { receipt: JSON.parse(p.receipt_json), signature: p.signature };
    return {
      listener: pseudonym(p.user_id),
      signed,
      devicePublicKey: p.public_key,
      settledAt: iso(p.settled_at),
      settlementSeq: settleSeq(p.settle_seq, `play ${p.receipt_id}`),
      outcome: p.outcome,
      freeReason: p.free_reason,
      playIndex: p.play_index,
      priceThousandths: p.price,
      artistShareTenThousandths: booked ? toInt(booked.artist) : 0,
      coopShareTenThousandths: booked ? toInt(booked.coop) : 0,
    };
  });
  return reportPlays.sort(compareSettlementOrder);
}

function toPurchases(money: MoneyRow[], pseudonym: Pseudonym): ReportPurchase[] {
  return money
    .filter((m) => m.kind === 'buy_track' || m.kind === 'buy_release')
    .map((m) => {
      const artistShare = toInt(m.artist);
      const coopShare = toInt(m.coop);
      // The entries were booked from the price by splitCharge; the price is their sum in thousandths.
      const priceThousandths = (artistShare + coopShare) / 10;
      if (
        !Number.isInteger(priceThousandths) ||
        splitCharge(priceThousandths).artistTenThousandths !== artistShare
      ) {
        throw new Error(
          `ledger invariant broken: transfer ${m.transfer_id} is not a 70/30 split of a whole price`,
        );
      }
      return {
        listener: pseudonym(m.user_id),
        trackId: m.track_id!,
        settledAt: iso(m.created_at),
        settlementSeq: settleSeq(m.settle_seq, `transfer ${m.transfer_id}`),
        priceThousandths,
        artistShareTenThousandths: artistShare,
        coopShareTenThousandths: coopShare,
      };
    })
    .sort(
      (a, b) =>
        Date.parse(a.settledAt) - Date.parse(b.settledAt) ||
        a.settlementSeq - b.settlementSeq ||
        byString(a.trackId, b.trackId),
    );
}

/** Where each (listener, track) of the period stood when it began. */
async function readOpeningStates(
  tx: Tx,
  artistId: string,
  from: number,
  plays: PlayRow[],
  money: MoneyRow[],
  pseudonym: Pseudonym,
): Promise<OpeningState[]> {
  const pairs = new Map<string, { userId: string; trackId: string }>();
  for (const p of plays)
    pairs.set(pairKey(p.user_id, p.track_id), { userId: p.user_id, trackId: p.track_id });
  for (const m of money)
    if (m.kind !== 'play')
      pairs.set(pairKey(m.user_id, m.track_id!), { userId: m.user_id, trackId: m.track_id! });
  if (!pairs.size) return [];
  const userIds = [...new Set([...pairs.values()].map((p) => p.userId))];
  const trackIds = [...new Set([...pairs.values()].map((p) => p.trackId))];
  const earlier = await tx
    .selectFrom('plays')
    .select(['user_id', 'track_id', (eb) => eb.fn.countAll().as('n')])
    .where('artist_id', '=', artistId)
    .where('outcome', '=', 'paid')
    .where('settled_at', '<', from)
    .where('user_id', 'in', userIds)
    .where('track_id', 'in', trackIds)
    .groupBy(['user_id', 'track_id'])
    .execute();
  const paidBefore = new Map(earlier.map((e) => [pairKey(e.user_id, e.track_id), toInt(e.n)]));
  const bought = await tx
    .selectFrom('ledger_entries as a')
    .innerJoin('transfers as t', 't.id', 'a.transfer_id')
    .select(['t.user_id', 'a.track_id'])
    .where('a.account_type', '=', 'artist')
    .where('a.account_id', '=', artistId)
    .where('t.kind', 'in', ['buy_track', 'buy_release'])
    .where('a.created_at', '<', from)
    .where('t.user_id', 'in', userIds)
    .execute();
  const boughtBefore = new Set(bought.map((b) => pairKey(b.user_id, b.track_id!)));
  return [...pairs.entries()]
    .map(([k, p]) => {
      const paid = paidBefore.get(k) ?? 0;
      return {
        listener: pseudonym(p.userId),
        trackId: p.trackId,
        paidPlaysBefore: paid,
        ownedBefore: paid >= PAID_PLAYS_TO_OWN || boughtBefore.has(k),
      };
    })
    .sort((a, b) => byString(a.trackId, b.trackId) || byString(a.listener, b.listener));
}

/** Totals per track and overall, from the same rows. */
function sumTotals(
  plays: ReportPlay[],
  purchases: ReportPurchase[],
): { totals: EarningsTotals; perTrack: Map<string, EarningsTotals> } {
  const perTrack = new Map<string, EarningsTotals>();
  const totals = emptyTotals();
  const of = (trackId: string) => {
    let t = perTrack.get(trackId);
    if (!t) perTrack.set(trackId, (t = emptyTotals()));
    return t;
  };
  for (const p of plays) {
    for (const t of [totals, of(p.signed.receipt.trackId)]) addPlayToTotals(t, p);
  }
  for (const b of purchases) {
    for (const t of [totals, of(b.trackId)]) {
      t.purchases++;
      t.creditsSpentThousandths += b.priceThousandths;
      t.artistShareTenThousandths += b.artistShareTenThousandths;
      t.coopShareTenThousandths += b.coopShareTenThousandths;
    }
  }
  return { totals, perTrack };
}
