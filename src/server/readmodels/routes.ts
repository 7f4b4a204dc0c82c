import { bindReportToLog, type ReportLog } from './report-log';
import { forbidden, notFound } from '../http/errors';
import { implement, type AnyRoute } from '../http/route';
import { earnings, listener } from '../../shared/server-api';
import { buyTheRest } from '../settlement/purchase';
import { artistEarnings, earningsCsv } from './earnings';
import { earningsReport } from './earnings-report';
import { ledgerHistory, playCounts, walletView } from './listener';
import { membershipStatus } from './membership';
import type { ServerContext } from '../context';

/** `log`: the transparency log, to bind earnings reports to it (version 3); none: version 2 reports. */
export function readModelRoutes(ctx: ServerContext, log?: ReportLog): AnyRoute[] {
  return [
    implement(listener.wallet, {
      handler: async ({ user }) => walletView(ctx, user.id),
    }),
    implement(listener.ledger, {
      handler: async ({ user, query }) => ledgerHistory(ctx, user.id, query.before, query.limit),
    }),
    implement(listener.plays, {
      handler: async ({ user }) => ({ tracks: await playCounts(ctx, user.id) }),
    }),
    implement(listener.owned, {
      handler: async ({ user }) => ({ tracks: (await playCounts(ctx, user.id)).filter((t) => t.owned) }),
    }),
    implement(listener.buyTrack, {
      handler: async ({ user, params, body }) =>
        buyTheRest(ctx, user.id, { trackId: params.id }, body.requestId ?? null),
    }),
    implement(listener.buyRelease, {
      handler: async ({ user, params, body }) =>
        buyTheRest(ctx, user.id, { releaseId: params.id }, body.requestId ?? null),
    }),
    implement(listener.membership, {
      handler: async ({ user, query }) =>
        membershipStatus(ctx, user.id, query.year ?? new Date(ctx.clock.nowMs()).getUTCFullYear()),
    }),
    artistEarningsRoute(ctx),
    earningsReportRoute(ctx, log),
  ];
}

/** An artist's earnings by track, day, month or year, as JSON or CSV: its rightsholders and admins only. */
function artistEarningsRoute(ctx: ServerContext): AnyRoute {
  return implement(earnings.artistEarnings, {
    handler: async ({ user, params, query, reply }) => {
      await assertMayReadEarnings(ctx, user, params.id);
      const rows = await artistEarnings(
        ctx,
        params.id,
        { from: query.from ?? 0, to: query.to ?? 8.64e15 },
        query.groupBy,
      );
      if (query.format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header('Content-Disposition', `attachment; filename="earnings-${params.id}.csv"`)
          .send(earningsCsv(rows, query.groupBy));
      }
      return { artistId: params.id, groupBy: query.groupBy, rows };
    },
  });
}

/** The signed earnings report of a period, bound to the transparency log when there is one (version 3). */
function earningsReportRoute(ctx: ServerContext, log: ReportLog | undefined): AnyRoute {
  return implement(earnings.earningsReport, {
    handler: async ({ user, params, query, reply }) => {
      await assertMayReadEarnings(ctx, user, params.id);
      // The period ends at `to`, or now, whichever is earlier by the database's clock (earnings-report.ts).
      const report = await bindReportToLog(
        ctx,
        log,
        await earningsReport(
          ctx,
          params.id,
          { from: query.from, ...(query.to !== undefined ? { to: query.to } : {}) },
          query.pseudonyms,
        ),
      );
      const day = (instant: string) => instant.slice(0, 10);
      void reply.header(
        'Content-Disposition',
        `attachment; filename="earnings-report-${params.id}-${day(report.period.from)}-${day(report.period.to)}.json"`,
      );
      return report;
    },
  });
}

/** An artist's earnings and reports: its rightsholders and admins only. */
async function assertMayReadEarnings(
  ctx: ServerContext,
  user: { id: string; role: string },
  artistId: string,
): Promise<void> {
  const artist = await ctx.store.db
    .selectFrom('artists')
    .select('id')
    .where('id', '=', artistId)
    .executeTakeFirst();
  if (!artist) throw notFound('artist');
  if (user.role === 'admin') return;
  const holds = await ctx.store.db
    .selectFrom('artist_rightsholders')
    .select('user_id')
    .where('artist_id', '=', artistId)
    .where('user_id', '=', user.id)
    .executeTakeFirst();
  if (!holds) throw forbidden("only this artist's rightsholders see its earnings");
}
