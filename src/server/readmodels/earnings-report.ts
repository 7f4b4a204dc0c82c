import { createHmac, randomBytes } from 'node:crypto';
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
import { toInt } from '../db/transaction';
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
 */
export type PseudonymScope = 'report' | 'stable';

/** The latest instant the report format can write (year 9999). */
export const MAX_REPORT_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const iso = (ms: number) => new Date(ms).toISOString();

/** Every play and purchase has one since migration 0006 (backfilled); its absence is a broken invariant, not a client error. */
function settleSeq(value: unknown, what: string): number {
  if (value === null || value === undefined) throw new Error(`settlement invariant broken: ${what} has no settlement sequence number`);
  return toInt(value);
}

async function pseudonymKey(ctx: ServerContext, artistId: string, scope: PseudonymScope): Promise<Buffer> {
  if (scope === 'report') return randomBytes(32);
  const secret = await ctx.store.db.selectFrom('server_secrets').select('value').where('name', '=', 'report_pseudonyms').executeTakeFirstOrThrow();
  return createHmac('sha256', Buffer.from(secret.value, 'base64url')).update(`artist:${artistId}`).digest();
}

export async function earningsReport(
  ctx: ServerContext,
  artistId: string,
  range: { from: number; to: number },
  scope: PseudonymScope,
): Promise<EarningsReport> {
  const { db } = ctx.store;
  const artist = await db.selectFrom('artists').select(['id', 'name']).where('id', '=', artistId).executeTakeFirst();
  if (!artist) throw new ApiError(404, 'not_found', 'artist not found');
  const key = await pseudonymKey(ctx, artistId, scope);
  const pseudonyms = new Map<string, string>();
  const pseudonym = (userId: string) => {
    let p = pseudonyms.get(userId);
    if (!p) {
      p = `L-${createHmac('sha256', key).update(userId).digest('base64url').slice(0, 22)}`;
      pseudonyms.set(userId, p);
    }
    return p;
  };

  // One consistent snapshot: a settlement committing meanwhile must not
  // show its play without its ledger entries or the other way round.
  return db.transaction().execute(async (tx) => {
    const plays = await tx
      .selectFrom('plays')
      .innerJoin('devices', 'devices.id', 'plays.device_id')
      .select([
        'plays.receipt_id', 'plays.user_id', 'plays.track_id', 'plays.outcome', 'plays.free_reason', 'plays.play_index', 'plays.price',
        'plays.settled_at', 'plays.settle_seq', 'plays.receipt_json', 'plays.signature', 'devices.public_key',
      ])
      .where('plays.artist_id', '=', artistId)
      .where('plays.settled_at', '>=', range.from)
      .where('plays.settled_at', '<', range.to)
      .execute();
    // The artist's and the co-op's entries of each transfer and track, as booked.
    const money = await tx
      .selectFrom('ledger_entries as a')
      .innerJoin('ledger_entries as c', (join) =>
        join.onRef('c.transfer_id', '=', 'a.transfer_id').onRef('c.track_id', '=', 'a.track_id').on('c.account_type', '=', 'coop'),
      )
      .innerJoin('transfers as t', 't.id', 'a.transfer_id')
      .select(['a.transfer_id', 'a.track_id', 'a.amount as artist', 'c.amount as coop', 'a.created_at', 't.kind', 't.user_id', 't.receipt_id', 't.settle_seq'])
      .where('a.account_type', '=', 'artist')
      .where('a.account_id', '=', artistId)
      .where('a.created_at', '>=', range.from)
      .where('a.created_at', '<', range.to)
      .execute();
    const shareOfReceipt = new Map(money.filter((m) => m.kind === 'play').map((m) => [m.receipt_id!, m]));

    const reportPlays: ReportPlay[] = [];
    for (const p of plays) {
      if (p.receipt_json === null || p.signature === null) {
        // Settled before the server kept signed receipts (migration 0002): it cannot be audited.
        throw new ApiError(409, 'not_auditable', `play ${p.receipt_id} was settled before signed receipts were kept; choose a later period`);
      }
      const booked = shareOfReceipt.get(p.receipt_id);
      const signed: SignedPlayReceipt = { receipt: JSON.parse(p.receipt_json), signature: p.signature };
      reportPlays.push({
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
      });
    }
    reportPlays.sort(compareSettlementOrder);

    const purchases: ReportPurchase[] = money
      .filter((m) => m.kind === 'buy_track' || m.kind === 'buy_release')
      .map((m) => {
        const artistShare = toInt(m.artist);
        const coopShare = toInt(m.coop);
        // The entries were booked from the price by splitCharge; the price is their sum in thousandths.
        const priceThousandths = (artistShare + coopShare) / 10;
        if (!Number.isInteger(priceThousandths) || splitCharge(priceThousandths).artistTenThousandths !== artistShare) {
          throw new Error(`ledger invariant broken: transfer ${m.transfer_id} is not a 70/30 split of a whole price`);
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
          Date.parse(a.settledAt) - Date.parse(b.settledAt) || a.settlementSeq - b.settlementSeq || (a.trackId < b.trackId ? -1 : a.trackId > b.trackId ? 1 : 0),
      );

    // Where each (listener, track) of the period stood when it began.
    const pairs = new Map<string, { userId: string; trackId: string }>();
    for (const p of plays) pairs.set(`${p.user_id}\n${p.track_id}`, { userId: p.user_id, trackId: p.track_id });
    for (const m of money) if (m.kind !== 'play') pairs.set(`${m.user_id}\n${m.track_id}`, { userId: m.user_id, trackId: m.track_id! });
    const userIds = [...new Set([...pairs.values()].map((p) => p.userId))];
    const trackIds = [...new Set([...pairs.values()].map((p) => p.trackId))];
    const paidBefore = new Map<string, number>();
    const boughtBefore = new Set<string>();
    if (userIds.length) {
      const earlier = await tx
        .selectFrom('plays')
        .select(['user_id', 'track_id', (eb) => eb.fn.countAll().as('n')])
        .where('artist_id', '=', artistId)
        .where('outcome', '=', 'paid')
        .where('settled_at', '<', range.from)
        .where('user_id', 'in', userIds)
        .where('track_id', 'in', trackIds)
        .groupBy(['user_id', 'track_id'])
        .execute();
      for (const e of earlier) paidBefore.set(`${e.user_id}\n${e.track_id}`, toInt(e.n));
      const bought = await tx
        .selectFrom('ledger_entries as a')
        .innerJoin('transfers as t', 't.id', 'a.transfer_id')
        .select(['t.user_id', 'a.track_id'])
        .where('a.account_type', '=', 'artist')
        .where('a.account_id', '=', artistId)
        .where('t.kind', 'in', ['buy_track', 'buy_release'])
        .where('a.created_at', '<', range.from)
        .where('t.user_id', 'in', userIds)
        .execute();
      for (const b of bought) boughtBefore.add(`${b.user_id}\n${b.track_id}`);
    }
    const openingStates: OpeningState[] = [...pairs.entries()]
      .map(([k, p]) => {
        const paid = paidBefore.get(k) ?? 0;
        return { listener: pseudonym(p.userId), trackId: p.trackId, paidPlaysBefore: paid, ownedBefore: paid >= PAID_PLAYS_TO_OWN || boughtBefore.has(k) };
      })
      .sort((a, b) => (a.trackId < b.trackId ? -1 : a.trackId > b.trackId ? 1 : a.listener < b.listener ? -1 : a.listener > b.listener ? 1 : 0));

    // Totals per track and overall, from the same rows.
    const perTrack = new Map<string, EarningsTotals>();
    const totals = emptyTotals();
    const of = (trackId: string) => {
      let t = perTrack.get(trackId);
      if (!t) perTrack.set(trackId, (t = emptyTotals()));
      return t;
    };
    for (const p of reportPlays) {
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
    const catalog = perTrack.size
      ? await tx.selectFrom('tracks').select(['id', 'title', 'duration_ms']).where('id', 'in', [...perTrack.keys()]).execute()
      : [];
    const tracks = catalog
      .map((t) => ({ trackId: t.id, title: t.title, durationMs: t.duration_ms, totals: perTrack.get(t.id)! }))
      .sort((a, b) => (a.trackId < b.trackId ? -1 : 1));

    return {
      format: EARNINGS_REPORT_FORMAT,
      version: EARNINGS_REPORT_VERSION,
      generatedAt: iso(ctx.clock.nowMs()),
      period: { from: iso(range.from), to: iso(range.to) },
      artist: { id: artist.id, name: artist.name },
      tracks,
      openingStates,
      plays: reportPlays,
      purchases,
      totals,
    } satisfies EarningsReport;
  });
}
