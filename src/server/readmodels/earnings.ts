import { sql } from 'kysely';
import { formatCredits } from '../../shared/pricing';
import type { ServerContext } from '../context';
import { toInt } from '../db/transaction';

/**
 * An artist's earnings report (stream#63): per track, or per period, the
 * total plays, paid plays, free plays, unpaid plays, credits spent, artist
 * share and co-op share. Plays come from `plays`; money from the ledger
 * (so "buy the rest" purchases count as spending too).
 */
export type Period = 'day' | 'month' | 'year';

export interface EarningsRow {
  key: string;
  title?: string;
  totalPlays: number;
  paidPlays: number;
  freePlays: number;
  unpaidPlays: number;
  /** Thousandths the listeners spent. */
  spentThousandths: number;
  artistShareTenThousandths: number;
  coopShareTenThousandths: number;
}

function periodKey(ms: number, period: Period): string {
  const iso = new Date(ms).toISOString();
  return period === 'day' ? iso.slice(0, 10) : period === 'month' ? iso.slice(0, 7) : iso.slice(0, 4);
}

export async function artistEarnings(ctx: ServerContext, artistId: string, range: { from: number; to: number }, groupBy: 'track' | Period): Promise<EarningsRow[]> {
  const { db } = ctx.store;
  const plays = await db
    .selectFrom('plays')
    .select(['track_id', 'outcome', 'counted_at'])
    .where('artist_id', '=', artistId)
    .where('settled_at', '>=', range.from)
    .where('settled_at', '<', range.to)
    .execute();
  // The artist's entry and the co-op entry of the same transfer and track.
  const money = await db
    .selectFrom('ledger_entries as a')
    .innerJoin('ledger_entries as c', (join) =>
      join.onRef('c.transfer_id', '=', 'a.transfer_id').onRef('c.track_id', '=', 'a.track_id').on('c.account_type', '=', 'coop'),
    )
    .select(['a.track_id', 'a.amount as artist', 'c.amount as coop', 'a.created_at'])
    .where('a.account_type', '=', 'artist')
    .where('a.account_id', '=', artistId)
    .where('a.created_at', '>=', range.from)
    .where('a.created_at', '<', range.to)
    .execute();
  const rows = new Map<string, EarningsRow>();
  const row = (key: string) => {
    let r = rows.get(key);
    if (!r) {
      r = { key, totalPlays: 0, paidPlays: 0, freePlays: 0, unpaidPlays: 0, spentThousandths: 0, artistShareTenThousandths: 0, coopShareTenThousandths: 0 };
      rows.set(key, r);
    }
    return r;
  };
  for (const p of plays) {
    const r = row(groupBy === 'track' ? p.track_id : periodKey(p.counted_at, groupBy));
    r.totalPlays++;
    if (p.outcome === 'paid') r.paidPlays++;
    else if (p.outcome === 'free') r.freePlays++;
    else r.unpaidPlays++;
  }
  for (const m of money) {
    const r = row(groupBy === 'track' ? m.track_id! : periodKey(m.created_at, groupBy));
    r.artistShareTenThousandths += toInt(m.artist);
    r.coopShareTenThousandths += toInt(m.coop);
    r.spentThousandths = (r.artistShareTenThousandths + r.coopShareTenThousandths) / 10;
  }
  if (groupBy === 'track' && rows.size) {
    const titles = await db.selectFrom('tracks').select(['id', 'title']).where('id', 'in', [...rows.keys()]).execute();
    for (const t of titles) rows.get(t.id)!.title = t.title;
  }
  return [...rows.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
}

/** Sum of the artist share credited to an artist in [from, to), ten-thousandths. */
export async function artistShareBetween(ctx: ServerContext, artistIds: string[], from: number, to: number): Promise<number> {
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
  const header = [groupBy, 'title', 'total_plays', 'paid_plays', 'free_plays', 'unpaid_plays', 'credits_spent', 'artist_share', 'coop_share'];
  const quote = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const credits = (thousandths: number) => formatCredits(thousandths);
  // Integer formatting, no floats: 12345 ten-thousandths → "1.2345".
  const tenThousandths = (n: number) => `${n < 0 ? '-' : ''}${Math.floor(Math.abs(n) / 10000)}.${String(Math.abs(n) % 10000).padStart(4, '0')}`;
  const lines = rows.map((r) =>
    [r.key, r.title ?? '', r.totalPlays, r.paidPlays, r.freePlays, r.unpaidPlays, credits(r.spentThousandths), tenThousandths(r.artistShareTenThousandths), tenThousandths(r.coopShareTenThousandths)]
      .map((v) => quote(String(v)))
      .join(','),
  );
  return [header.join(','), ...lines].join('\r\n') + '\r\n';
}
