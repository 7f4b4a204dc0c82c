import { notFound } from '../http/errors';
import { credits } from '../../shared/server-api';
import { implement, type AnyRoute } from '../http/route';
import { reverseGrantRoute } from './reverse-grant';
import { createVoucherBatch, grantCredits, grantCreditsOnce, redeemVoucher } from './top-up';
import type { ServerContext } from '../context';

export function creditRoutes(ctx: ServerContext): AnyRoute[] {
  return [
    implement(credits.grantCredits, {
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
    implement(credits.createVoucherBatch, {
      handler: async ({ body, user }) =>
        createVoucherBatch(ctx, user.id, body.valueThousandths, body.count, body.note ?? null),
    }),
    implement(credits.redeemVoucher, {
      handler: async ({ body, user }) => redeemVoucher(ctx, user.id, body.code),
    }),
    reverseGrantRoute(ctx),
  ];
}
