import { bindReportToLog, type ReportLog } from './report-log';
import { z } from 'zod';
import { coopTrackIdSchema } from '../../shared/receipt';
import { forbidden, notFound } from '../http/errors';
import { route, type AnyRoute } from '../http/route';
import { buyTheRest } from '../settlement/purchase';
import { artistEarnings, earningsCsv } from './earnings';
import { MAX_REPORT_INSTANT, earningsReport } from './earnings-report';
import { ledgerHistory, playCounts, walletView } from './listener';
import { membershipStatus } from './membership';
import type { ServerContext } from '../context';

export const walletSchema = z.object({
  balanceThousandths: z.number().int(),
  reservedThousandths: z.number().int().describe('sum of device allowances'),
  availableThousandths: z.number().int(),
  allowances: z.array(z.object({ deviceId: z.string(), allowanceThousandths: z.number().int() })),
  version: z.number().int(),
});
export const playCountSchema = z.object({
  trackId: z.string(),
  paidPlays: z.number().int(),
  totalPlays: z.number().int(),
  paidThousandths: z.number().int(),
  owned: z.boolean(),
  ownedAt: z.number().int().nullable(),
});
const purchaseSchema = z.object({
  transferId: z.string(),
  duplicate: z.boolean(),
  tracks: z.array(z.object({ trackId: z.string(), paidThousandths: z.number().int() })),
  totalThousandths: z.number().int(),
  balanceThousandths: z.number().int(),
});
const purchaseBody = z.object({
  requestId: z
    .string()
    .min(8)
    .max(64)
    .optional()
    .describe('client-chosen; a resend with the same id is not charged twice'),
});
const earningsRowSchema = z.object({
  key: z.string(),
  title: z.string().optional(),
  totalPlays: z.number().int(),
  paidPlays: z.number().int(),
  freePlays: z.number().int(),
  unpaidPlays: z.number().int(),
  spentThousandths: z.number().int(),
  artistShareTenThousandths: z.number().int(),
  coopShareTenThousandths: z.number().int(),
  playSpentThousandths: z.number().int().describe('what the paid plays brought, thousandths'),
  playArtistShareTenThousandths: z.number().int(),
  purchases: z
    .number()
    .int()
    .describe('tracks bought with "buy the rest" (each track of a release bought counts)'),
  purchaseSpentThousandths: z.number().int(),
  purchaseArtistShareTenThousandths: z.number().int(),
});

/** `log`: the transparency log, to bind earnings reports to it (version 3); none: version 2 reports. */
export function readModelRoutes(ctx: ServerContext, log?: ReportLog): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/v1/wallet',
      summary: "The signed-in listener's wallet",
      tag: 'listener',
      access: 'user',
      response: walletSchema,
      handler: async ({ user }) => walletView(ctx, user.id),
    }),
    route({
      method: 'GET',
      url: '/v1/ledger',
      summary: "The signed-in listener's ledger entries, newest first",
      tag: 'listener',
      access: 'user',
      query: z.object({
        before: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
      response: z.object({
        entries: z.array(
          z.object({
            id: z.number().int(),
            transferId: z.string(),
            kind: z.string(),
            receiptId: z.string().nullable(),
            trackId: z.string().nullable(),
            amountThousandths: z.number().int(),
            createdAt: z.number().int(),
          }),
        ),
        nextBefore: z.number().int().nullable(),
      }),
      handler: async ({ user, query }) => ledgerHistory(ctx, user.id, query.before, query.limit),
    }),
    route({
      method: 'GET',
      url: '/v1/plays',
      summary: "The signed-in listener's play counts per track",
      tag: 'listener',
      access: 'user',
      response: z.object({ tracks: z.array(playCountSchema) }),
      handler: async ({ user }) => ({ tracks: await playCounts(ctx, user.id) }),
    }),
    route({
      method: 'GET',
      url: '/v1/owned',
      summary: 'The tracks the signed-in listener owns (the Collection)',
      tag: 'listener',
      access: 'user',
      response: z.object({ tracks: z.array(playCountSchema) }),
      handler: async ({ user }) => ({ tracks: (await playCounts(ctx, user.id)).filter((t) => t.owned) }),
    }),
    route({
      method: 'POST',
      url: '/v1/tracks/:id/buy',
      summary: 'Buy the rest of a track: pay what is left of 1.022 credits and own it',
      tag: 'listener',
      access: 'user',
      params: z.object({ id: coopTrackIdSchema }),
      body: purchaseBody,
      response: purchaseSchema,
      handler: async ({ user, params, body }) =>
        buyTheRest(ctx, user.id, { trackId: params.id }, body.requestId ?? null),
    }),
    route({
      method: 'POST',
      url: '/v1/releases/:id/buy',
      summary: 'Buy the rest of every track of a release that is not owned yet, all or nothing',
      tag: 'listener',
      access: 'user',
      params: z.object({ id: coopTrackIdSchema }),
      body: purchaseBody,
      response: purchaseSchema,
      handler: async ({ user, params, body }) =>
        buyTheRest(ctx, user.id, { releaseId: params.id }, body.requestId ?? null),
    }),
    route({
      method: 'GET',
      url: '/v1/membership',
      summary:
        'Co-op membership status and progress for a calendar year (listener, and artist if a rightsholder)',
      tag: 'listener',
      access: 'user',
      query: z.object({ year: z.coerce.number().int().min(2000).max(9999).optional() }),
      handler: async ({ user, query }) =>
        membershipStatus(ctx, user.id, query.year ?? new Date(ctx.clock.nowMs()).getUTCFullYear()),
    }),
    route({
      method: 'GET',
      url: '/v1/artists/:id/earnings',
      summary: "An artist's earnings per track or per period, JSON or CSV (the rightsholder or an admin)",
      tag: 'artist',
      access: 'user',
      params: z.object({ id: coopTrackIdSchema }),
      query: z.object({
        groupBy: z.enum(['track', 'day', 'month', 'year']).default('track'),
        from: z.coerce.number().int().min(0).max(8.64e15).optional().describe('epoch ms, inclusive'),
        to: z.coerce.number().int().min(0).max(8.64e15).optional().describe('epoch ms, exclusive'),
        format: z.enum(['json', 'csv']).default('json'),
      }),
      response: z.object({ artistId: z.string(), groupBy: z.string(), rows: z.array(earningsRowSchema) }),
      produces: ['application/json', 'text/csv'],
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
    }),
    route({
      method: 'GET',
      url: '/v1/artists/:id/earnings/report',
      summary:
        "The earnings report for artists' audits (docs/earnings-report.md): every settled play of the period as the listener's device signed it, pseudonymous, with the server's decisions and totals",
      tag: 'artist',
      access: 'user',
      params: z.object({ id: coopTrackIdSchema }),
      query: z
        .object({
          from: z.coerce
            .number()
            .int()
            .min(0)
            .max(MAX_REPORT_INSTANT)
            .default(0)
            .describe('epoch ms, inclusive (by settlement time)'),
          to: z.coerce
            .number()
            .int()
            .min(0)
            .max(MAX_REPORT_INSTANT)
            .optional()
            .describe(
              "epoch ms, exclusive; default now; at most now by the database's clock (the report's period says where it ends)",
            ),
          pseudonyms: z
            .enum(['report', 'stable'])
            .default('report')
            .describe(
              "report: listener pseudonyms random per report; stable: the same across this artist's reports, so consecutive reports verify as a chain",
            ),
        })
        .refine((q) => q.to === undefined || q.to > q.from, {
          message: 'to must be after from',
          path: ['to'],
        }),
      response: z
        .record(z.string(), z.unknown())
        .describe('an earnings report, src/shared/earnings-report.ts'),
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
    }),
  ];
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
