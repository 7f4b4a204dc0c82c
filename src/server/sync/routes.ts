import { sync } from '../../shared/server-api';
import { ApiError } from '../http/errors';
import { implement, type AnyRoute } from '../http/route';
import { trackViews } from '../catalog/routes';
import { inTransaction, lockWallet } from '../db/transaction';
import { playCounts } from '../readmodels/listener';
import { renewDeviceAllowance } from '../settlement/allowances';
import { settleBatch } from '../settlement/settle-batch';
import { decodeCursor, encodeCursor } from './cursor';
import type { ServerContext } from '../context';

/** Sync: receipts pushed for settlement, and the pull (wallet, allowance, play counts, catalog changes). */
export function syncRoutes(ctx: ServerContext): AnyRoute[] {
  return [pushReceiptsRoute(ctx), pullRoute(ctx)];
}

function pushReceiptsRoute(ctx: ServerContext): AnyRoute {
  return implement(sync.pushReceipts, {
    // This server's batch limit (config): a longer batch is bad input, as the schema would say.
    narrowBody: (body) => body.extend({ receipts: body.shape.receipts.max(ctx.config.maxReceiptsPerBatch) }),
    handler: async ({ body, user }) => settleBatch(ctx, user.id, body.deviceId, body.receipts),
  });
}

function pullRoute(ctx: ServerContext): AnyRoute {
  return implement(sync.pull, {
    handler: async ({ body, user }) => {
      const since = decodeCursor(body.cursor);
      const device = await ctx.store.db
        .selectFrom('devices')
        .select(['user_id', 'revoked_at'])
        .where('id', '=', body.deviceId)
        .executeTakeFirst();
      if (!device || device.user_id !== user.id)
        throw new ApiError(404, 'unknown_device', 'no such device on this account');
      const mine = await inTransaction(ctx.store, async (tx) => {
        const wallet = { ...(await lockWallet(ctx.store, tx, user.id)) };
        const allowance = await renewDeviceAllowance(ctx, tx, wallet, body.deviceId);
        return { wallet, allowance };
      });
      // Read after the renewal committed; the version read here bounds what we send.
      const counts = await playCounts(ctx, user.id, since.p);
      const wallet = mine.wallet;
      // Every play-count change up to this version committed before our locked read of it.
      const p = wallet.version;
      // A first pull (no catalog yet) needs only what is listed; later pulls also carry unpublished tracks, flagged.
      const tracks = await trackViews(ctx, {
        sinceKey: { version: since.cv, id: since.ci },
        limit: body.catalogLimit,
        visibility: since.cv === 0 ? 'listed' : 'changes',
      });
      const last = tracks.at(-1);
      return {
        cursor: encodeCursor({ p, cv: last ? last.version : since.cv, ci: last ? last.id : since.ci }),
        wallet: {
          balanceThousandths: wallet.balance,
          reservedThousandths: wallet.reserved,
          availableThousandths: wallet.balance - wallet.reserved,
          version: wallet.version,
        },
        allowanceThousandths: mine.allowance,
        deviceRevoked: device.revoked_at !== null,
        playCounts: counts,
        catalog: { tracks, complete: tracks.length < body.catalogLimit },
      };
    },
  });
}
