import { z } from 'zod';
import { uuidV7Schema } from '../../shared/receipt';
import { ApiError } from '../http/errors';
import { route, type AnyRoute } from '../http/route';
import { trackSchema, trackViews } from '../catalog/routes';
import { inTransaction, lockWallet } from '../db/transaction';
import { playCounts } from '../readmodels/listener';
import { playCountSchema } from '../readmodels/routes';
import { renewDeviceAllowance } from '../settlement/allowances';
import { settleBatch } from '../settlement/settle-batch';
import { decodeCursor, encodeCursor } from './cursor';
import type { ServerContext } from '../context';

const settledSchema = z.object({
  index: z.number().int().describe('position in the request'),
  id: z.string(),
  status: z.literal('settled'),
  duplicate: z.boolean().describe('settled by an earlier request; this is the original answer'),
  outcome: z.enum(['paid', 'free', 'unpaid']),
  freeReason: z.enum(['short', 'owned', 'free_track', 'own_track']).nullable(),
  playIndex: z.number().int().nullable().describe('1…9 for paid plays: the server-decided n-th paid play'),
  priceThousandths: z.number().int(),
  owned: z.boolean().describe('the track is owned after this play'),
});
const rejectedSchema = z.object({
  index: z.number().int(),
  id: z.string().nullable(),
  status: z.literal('rejected'),
  // All final except retry_later (settlement: batch-types.ts). A time window or a reused seq is settled, not rejected.
  reason: z.enum([
    'malformed',
    'unknown_device',
    'device_not_yours',
    'device_revoked',
    'bad_signature',
    'unknown_track',
    'not_counted',
    'conflict',
    'retry_later',
  ]),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
const walletBriefSchema = z.object({
  balanceThousandths: z.number().int(),
  reservedThousandths: z.number().int(),
  version: z.number().int(),
});

export function syncRoutes(ctx: ServerContext): AnyRoute[] {
  return [
    route({
      method: 'POST',
      url: '/v1/receipts',
      summary:
        'Submit a batch of signed play receipts; each is settled exactly once or rejected with its reason',
      tag: 'sync',
      access: 'user',
      body: z.object({
        deviceId: uuidV7Schema.describe('the sending device: its allowance is renewed and returned'),
        // Each receipt is checked one by one by the settlement (so one bad receipt doesn't sink the batch).
        receipts: z.array(z.unknown()).min(1).max(ctx.config.maxReceiptsPerBatch),
      }),
      response: z.object({
        results: z.array(z.union([settledSchema, rejectedSchema])),
        wallet: walletBriefSchema,
        allowanceThousandths: z.number().int(),
      }),
      handler: async ({ body, user }) => settleBatch(ctx, user.id, body.deviceId, body.receipts),
    }),
    route({
      method: 'POST',
      url: '/v1/sync',
      summary:
        "Pull what changed since a cursor: wallet, this device's (renewed) allowance, play counts and ownership, catalog tracks",
      tag: 'sync',
      access: 'user',
      body: z.object({
        deviceId: uuidV7Schema,
        cursor: z.string().max(1000).optional().describe('from the previous answer; omit for everything'),
        catalogLimit: z.number().int().min(1).max(2000).default(500),
      }),
      response: z.object({
        cursor: z.string(),
        wallet: walletBriefSchema.extend({ availableThousandths: z.number().int() }),
        allowanceThousandths: z.number().int(),
        deviceRevoked: z.boolean(),
        playCounts: z
          .array(playCountSchema)
          .describe('tracks whose counts or ownership changed since the cursor'),
        catalog: z.object({
          tracks: z.array(trackSchema),
          complete: z.boolean().describe('false: call again with the new cursor for more'),
        }),
      }),
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
    }),
  ];
}
