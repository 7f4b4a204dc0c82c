import { z } from 'zod';
import { coopTrackIdSchema } from '../receipt';
import { earningsRowSchema } from './answers';
import { serverRoute } from './define';

/** The last instant a report may cover (src/server/readmodels/earnings-report.ts). */
export const MAX_REPORT_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

export const artistEarnings = serverRoute({
  method: 'GET',
  path: '/v1/artists/:id/earnings',
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
  answer: z.object({ artistId: z.string(), groupBy: z.string(), rows: z.array(earningsRowSchema) }),
  produces: ['application/json', 'text/csv'],
  errors: ['not_found', 'forbidden'],
});

export const earningsReport = serverRoute({
  method: 'GET',
  path: '/v1/artists/:id/earnings/report',
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
  answer: z.record(z.string(), z.unknown()).describe('an earnings report, src/shared/earnings-report.ts'),
  errors: ['not_found', 'forbidden', 'period_open', 'period_settling', 'not_auditable'],
});
