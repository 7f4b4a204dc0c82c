import { z } from 'zod';
import { notFound } from '../http/errors';
import { route, type AnyRoute } from '../http/route';
import { reverseGrantRoute } from './reverse-grant';
import { createVoucherBatch, grantCredits, grantCreditsOnce, redeemVoucher } from './top-up';
import type { ServerContext } from '../context';

const thousandths = z.number().int().min(1).max(1_000_000_000).describe('thousandths of a credit');

export function creditRoutes(ctx: ServerContext): AnyRoute[] {
  return [
    route({
      method: 'POST',
      url: '/v1/admin/grants',
      summary: "Grant credits to a listener's wallet",
      tag: 'admin',
      access: 'admin',
      body: z.object({
        userId: z.string().min(1).max(128),
        amountThousandths: thousandths,
        note: z.string().max(500).optional(),
        idempotencyKey: z
          .string()
          .regex(/^[A-Za-z0-9._:-]{8,128}$/, 'must be 8–128 characters of A–Z, a–z, 0–9, . _ : or -')
          .optional()
          .describe(
            'client-chosen, e.g. a UUID: a resend with the same key answers the first grant and credits nothing; the same key with another user, amount or note is a 409. Send one: without it a retried request grants twice',
          ),
      }),
      response: z.object({
        transferId: z.string(),
        balanceThousandths: z.number().int(),
        duplicate: z
          .boolean()
          .describe('made by an earlier request with this idempotency key; this is its answer'),
      }),
      successStatus: 201,
      handler: async ({ body }) => {
        const user = await ctx.store.db
          .selectFrom('users')
          .select('id')
          .where('id', '=', body.userId)
          .executeTakeFirst();
        if (!user) throw notFound('user');
        const note = body.note ?? null;
        return body.idempotencyKey
          ? grantCreditsOnce(ctx, body.idempotencyKey, body.userId, body.amountThousandths, note)
          : grantCredits(ctx, body.userId, body.amountThousandths, note);
      },
    }),
    route({
      method: 'POST',
      url: '/v1/admin/voucher-batches',
      summary:
        'Create a batch of voucher codes, each worth the same; the codes are shown only in this answer',
      tag: 'admin',
      access: 'admin',
      body: z.object({
        valueThousandths: thousandths,
        count: z.number().int().min(1).max(10_000),
        note: z.string().max(500).optional(),
      }),
      response: z.object({
        batchId: z.string(),
        valueThousandths: z.number().int(),
        codes: z.array(z.string()),
      }),
      successStatus: 201,
      handler: async ({ body, user }) =>
        createVoucherBatch(ctx, user.id, body.valueThousandths, body.count, body.note ?? null),
    }),
    route({
      method: 'POST',
      url: '/v1/vouchers/redeem',
      summary: 'Redeem a voucher code (once per code)',
      tag: 'credits',
      access: 'user',
      body: z.object({ code: z.string().min(4).max(64) }),
      response: z.object({ creditedThousandths: z.number().int(), balanceThousandths: z.number().int() }),
      handler: async ({ body, user }) => redeemVoucher(ctx, user.id, body.code),
    }),
    reverseGrantRoute(ctx),
  ];
}
