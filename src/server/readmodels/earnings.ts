import { sql } from 'kysely';
import type { z } from 'zod';
import type { earningsRowSchema } from '../../shared/server-api/answers';
import { formatCredits } from '../../shared/pricing';
import type { ServerContext } from '../context';
import { toInt } from '../db/transaction';
import { assert } from '../../shared/assert';

/**
 * An artist's earnings report (stream#63): per track, or per period, the
 * total plays, paid plays, free plays, unpaid plays, credits spent, artist
 * share and co-op share. Plays come from `plays`; money from the ledger.
 * "Buy the rest" purchases are spending too, and are also counted on their
 * own line (purchases, their credits and shares) beside the paid plays', so
 * an artist can tell 3 paid plays from 2 plays and a purchase.
 */
export type Period = 'day' | 'month' | 'year';

/** A row as the wire contract answers it (src/shared/server-api/answers.ts). */
export type EarningsRow = z.infer<typeof earningsRowSchema>;

function periodKey(ms: number, period: Period): string {
  const iso = new Date(ms).toISOString();
  return period === 'day' ? iso.slice(0, 10) : period === 'month' ? iso.slice(0, 7) : iso.slice(0, 4);
}

const emptyRow = (key: string): EarningsRow => ({
  key,
  totalPlays: 0,
  paidPlays: 0,
  freePlays: 0,
  unpaidPlays: 0,
  spentThousandths: 0,
  artistShareTenThousandths: 0,
  coopShareTenThousandths: 0,
  playSpentThousandths: 0,
  playArtistShareTenThousandths: 0,
  purchases: 0,
  purchaseSpentThousandths: 0,
  purchaseArtistShareTenThousandths: 0,
});

/** The artist's entry and the co-op entry of the same transfer and track, with the transfer's kind (play or purchase). */
async function artistMoney(ctx: ServerContext, artistId: string, range: { from: number; to: number }) {
  return ctx.store.db
    .selectFrom('ledger_entries as a')
    .innerJoin('ledger_entries as c', (join) =>
      join
        .onRef('c.transfer_id', '=', 'a.transfer_id')
        .onRef('c.track_id', '=', 'a.track_id')
        .on('c.account_type', '=', 'coop'),
    )
    .innerJoin('transfers as t', 't.id', 'a.transfer_id')
    .select(['a.track_id', 'a.amount as artist', 'c.amount as coop', 'a.created_at', 't.kind'])
    .where('a.account_type', '=', 'artist')
    .where('a.account_id', '=', artistId)
    .where('a.created_at', '>=', range.from)
    .where('a.created_at', '<', range.to)
    .execute();
}

/** Adds one transfer's artist and co-op amounts (ten-thousandths) to a row, as a play's or a purchase's. */
function addMoney(r: EarningsRow, artist: number, coop: number, kind: string): void {
  r.artistShareTenThousandths += artist;
  r.coopShareTenThousandths += coop;
  r.spentThousandths = (r.artistShareTenThousandths + r.coopShareTenThousandths) / 10;
  if (kind === 'buy_track' || kind === 'buy_release') {
    r.purchases++;
    r.purchaseArtistShareTenThousandths += artist;
    r.purchaseSpentThousandths += (artist + coop) / 10;
  } else {
    r.playArtistShareTenThousandths += artist;
    r.playSpentThousandths += (artist + coop) / 10;
  }
  assert(
    Number.isInteger(r.spentThousandths) &&
      r.playSpentThousandths + r.purchaseSpentThousandths === r.spentThousandths,
    'earnings: plays and purchases add up to what was spent',
  );
}

export async function artistEarnings(
  ctx: ServerContext,
  artistId: string,
  range: { from: number; to: number },
  groupBy: 'track' | Period,
): Promise<EarningsRow[]> {
  const { db } = ctx.store;
  const plays = await db
    .selectFrom('plays')
    .select(['track_id', 'outcome', 'counted_at'])
    .where('artist_id', '=', artistId)
    .where('settled_at', '>=', range.from)
    .where('settled_at', '<', range.to)
    .execute();
  const money = await artistMoney(ctx, artistId, range);
  const rows = new Map<string, EarningsRow>();
  const row = (key: string) => rows.get(key) ?? rows.set(key, emptyRow(key)).get(key)!;
  for (const p of plays) {
    const r = row(groupBy === 'track' ? p.track_id : periodKey(p.counted_at, groupBy));
    r.totalPlays++;
    if (p.outcome === 'paid') r.paidPlays++;
    else if (p.outcome === 'free') r.freePlays++;
    else r.unpaidPlays++;
  }
  for (const m of money)
    addMoney(
      row(groupBy === 'track' ? m.track_id! : periodKey(m.created_at, groupBy)),
      toInt(m.artist),
      toInt(m.coop),
      m.kind,
    );
  if (groupBy === 'track' && rows.size) {
    const titles = await db
      .selectFrom('tracks')
      .select(['id', 'title'])
      .where('id', 'in', [...rows.keys()])
      .execute();
    for (const t of titles) rows.get(t.id)!.title = t.title;
  }
  return [...rows.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
}

/** Sum of the artist share credited to an artist in [from, to), ten-thousandths. */
export async function artistShareBetween(
  ctx: ServerContext,
  artistIds: string[],
  from: number,
  to: number,
): Promise<number> {
  if (!artistIds.length) return 0;
  const row = await ctx.store.db
    .selectFrom('ledger_entries')
    .select(sql<number>`coalesce(sum(amount), 0)`.as('total'))
    .where('account_type', '=', 'artist')
    .where('account_id', 'in', artistIds)
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .executeTakeFirstOrThrow();
  return toInt(row.total);
}

export function earningsCsv(rows: EarningsRow[], groupBy: string): string {
  const header = [
    groupBy,
    'title',
    'total_plays',
    'paid_plays',
    'free_plays',
    'unpaid_plays',
    'credits_spent',
    'artist_share',
    'coop_share',
    'paid_play_credits',
    'paid_play_artist_share',
    'purchases',
    'purchase_credits',
    'purchase_artist_share',
  ];
  const quote = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const credits = (thousandths: number) => formatCredits(thousandths);
  // Integer formatting, no floats: 12345 ten-thousandths → "1.2345".
  const tenThousandths = (n: number) =>
    `${n < 0 ? '-' : ''}${Math.floor(Math.abs(n) / 10000)}.${String(Math.abs(n) % 10000).padStart(4, '0')}`;
  const lines = rows.map((r) =>
    [
      r.key,
      r.title ?? '',
      r.totalPlays,
      r.paidPlays,
      r.freePlays,
      r.unpaidPlays,
      credits(r.spentThousandths),
      tenThousandths(r.artistShareTenThousandths),
      tenThousandths(r.coopShareTenThousandths),
      credits(r.playSpentThousandths),
      tenThousandths(r.playArtistShareTenThousandths),
      r.purchases,
      credits(r.purchaseSpentThousandths),
      tenThousandths(r.purchaseArtistShareTenThousandths),
    ]
      .map((v) => quote(String(v)))
      .join(','),
  );
  return [header.join(','), ...lines].join('\r\n') + '\r\n';
}
