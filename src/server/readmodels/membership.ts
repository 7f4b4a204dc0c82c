import { sql } from 'kysely';
import { formatEuros, type EuroRate } from '../../shared/pricing';
import type { ServerContext } from '../context';
import { toInt } from '../db/transaction';
import { artistShareBetween } from './earnings';

/**
 * Co-op membership (seed 003): a listener is a member for a calendar year
 * once they spent at least the threshold (default 15 EUR) worth of credits in
 * it; an artist once the artist share they earned in it reaches the threshold.
 * Euros are converted at the configured display rate, in integers.
 */

/** The smallest number of thousandths worth at least `euros` at `rate` (BigInt, no float drift). */
export function thresholdThousandths(euros: number, rate: EuroRate): number {
  const microEuros = BigInt(Math.round(euros * 1_000_000));
  const rateMicro = BigInt(Math.round(rate.euros * 1_000_000));
  const per = BigInt(rate.perThousandths);
  return Number((microEuros * per + rateMicro - 1n) / rateMicro);
}

function yearRange(year: number): { from: number; to: number } {
  return { from: Date.UTC(year, 0, 1), to: Date.UTC(year + 1, 0, 1) };
}

export async function membershipStatus(ctx: ServerContext, userId: string, year: number) {
  const { euroRate, listenerThresholdEuros, artistThresholdEuros } = ctx.config.membership;
  const { from, to } = yearRange(year);
  const spentRow = await ctx.store.db
    .selectFrom('ledger_entries')
    .select(sql<number>`coalesce(sum(amount), 0)`.as('total'))
    .where('account_type', '=', 'listener')
    .where('account_id', '=', userId)
    .where('amount', '<', 0)
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .executeTakeFirstOrThrow();
  const spent = -toInt(spentRow.total) / 10;
  const listenerNeed = thresholdThousandths(listenerThresholdEuros, euroRate);
  const artists = await ctx.store.db
    .selectFrom('artist_rightsholders')
    .select('artist_id')
    .where('user_id', '=', userId)
    .execute();
  const artistIds = artists.map((a) => a.artist_id);
  const earnedTenThousandths = await artistShareBetween(ctx, artistIds, from, to);
  const artistNeed = thresholdThousandths(artistThresholdEuros, euroRate) * 10;
  return {
    year,
    euroRate,
    listener: {
      member: spent >= listenerNeed,
      spentThousandths: spent,
      thresholdThousandths: listenerNeed,
      spentEuros: formatEuros(spent, euroRate),
      thresholdEuros: String(listenerThresholdEuros),
      /** 0…100, whole percent, floored. */
      progressPercent: Math.min(100, Math.floor((spent * 100) / listenerNeed)),
    },
    artist: artistIds.length
      ? {
          member: earnedTenThousandths >= artistNeed,
          earnedTenThousandths,
          thresholdTenThousandths: artistNeed,
          earnedEuros: formatEuros(Math.floor(earnedTenThousandths / 10), euroRate),
          thresholdEuros: String(artistThresholdEuros),
          progressPercent: Math.min(100, Math.floor((earnedTenThousandths * 100) / artistNeed)),
        }
      : null,
  };
}
