import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { publicKeyObject, verifyEd25519 } from '../../node/ed25519';
import { allowanceReleaseBodySchema, allowanceReleaseSigningBytes } from '../../shared/allowance-release';
import { uuidV7Schema } from '../../shared/receipt';
import { ApiError, notFound } from '../http/errors';
import { route, type AnyRoute } from '../http/route';
import { isUniqueViolation } from '../accounts/users';
import { releaseOwnAllowance, revokeDevice } from '../settlement/allowances';
import type { ServerContext } from '../context';

export const deviceSchema = z.object({
  id: z.string(),
  name: z.string(),
  publicKey: z.string(),
  createdAt: z.number().int(),
  revokedAt: z.number().int().nullable(),
  lastSeq: z.number().int().describe('highest receipt seq seen from this device'),
  allowanceThousandths: z.number().int().describe('offline allowance reserved for this device'),
  allowanceFrozenUntil: z
    .number()
    .int()
    .nullable()
    .describe(
      'revoked or released: the allowance stays reserved for its receipts until then (or until they are all in)',
    ),
  seqGaps: z.array(
    z.object({ fromSeq: z.number().int(), toSeq: z.number().int(), detectedAt: z.number().int() }),
  ),
});
const registerSchema = z.object({
  id: uuidV7Schema.optional().describe('the device may choose its id (UUIDv7); else the server does'),
  name: z.string().min(1).max(100),
  publicKey: z.string().length(43).describe('base64url of the 32-byte Ed25519 public key'),
});
const idParams = z.object({ id: z.string().min(1).max(128) });

export function deviceRoutes(ctx: ServerContext): AnyRoute[] {
  const { db } = ctx.store;
  /** Another user's device answers exactly like a missing one: no probing for ids. */
  async function requireOwnDevice(userId: string, deviceId: string): Promise<{ public_key: string }> {
    const device = await db
      .selectFrom('devices')
      .select(['user_id', 'public_key'])
      .where('id', '=', deviceId)
      .executeTakeFirst();
    if (!device || device.user_id !== userId) throw notFound('device');
    return device;
  }
  async function listDevices(userId: string) {
    const rows = await db
      .selectFrom('devices')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .execute();
    const gaps = rows.length
      ? await db
          .selectFrom('seq_gaps')
          .selectAll()
          .where(
            'device_id',
            'in',
            rows.map((r) => r.id),
          )
          .orderBy('from_seq')
          .execute()
      : [];
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      publicKey: r.public_key,
      createdAt: r.created_at,
      revokedAt: r.revoked_at,
      lastSeq: r.last_seq,
      allowanceThousandths: r.allowance,
      allowanceFrozenUntil: r.frozen_until,
      seqGaps: gaps
        .filter((g) => g.device_id === r.id)
        .map((g) => ({ fromSeq: g.from_seq, toSeq: g.to_seq, detectedAt: g.detected_at })),
    }));
  }
  return [
    route({
      method: 'POST',
      url: '/v1/devices',
      summary: 'Register a device and its Ed25519 public key',
      tag: 'devices',
      access: 'user',
      body: registerSchema,
      response: deviceSchema,
      successStatus: 201,
      handler: async ({ body, user }) => {
        try {
          publicKeyObject(body.publicKey);
        } catch {
          throw new ApiError(400, 'invalid_public_key', 'publicKey is not a base64url Ed25519 public key');
        }
        const id = body.id ?? uuidv7();
        try {
          await db
            .insertInto('devices')
            .values({
              id,
              user_id: user.id,
              name: body.name,
              public_key: body.publicKey,
              created_at: ctx.clock.nowMs(),
              revoked_at: null,
              last_seq: 0,
              allowance: 0,
              frozen_until: null,
              release_seq: null,
            })
            .execute();
        } catch (error) {
          if (isUniqueViolation(error))
            throw new ApiError(409, 'device_exists', 'a device with this id or public key is registered');
          throw error;
        }
        return (await listDevices(user.id)).find((d) => d.id === id);
      },
    }),
    route({
      method: 'GET',
      url: '/v1/devices',
      summary: "The signed-in user's devices",
      tag: 'devices',
      access: 'user',
      response: z.object({ devices: z.array(deviceSchema) }),
      handler: async ({ user }) => ({ devices: await listDevices(user.id) }),
    }),
    route({
      method: 'POST',
      url: '/v1/devices/:id/revoke',
      summary:
        'Revoke a device: its receipts counted from now on are refused; its allowance stays reserved for those counted before, until the receipt age limit',
      tag: 'devices',
      access: 'user',
      params: idParams,
      response: deviceSchema,
      handler: async ({ params, user }) => {
        await requireOwnDevice(user.id, params.id);
        await revokeDevice(ctx, user.id, params.id);
        return (await listDevices(user.id)).find((d) => d.id === params.id);
      },
    }),
    route({
      method: 'POST',
      url: '/v1/devices/:id/allowance/release',
      summary:
        'The device itself gives its offline allowance back (e.g. on sign-out of the app), signing which device it is and the last seq it counted; the allowance stays reserved until those receipts are in',
      tag: 'devices',
      access: 'user',
      params: idParams,
      body: allowanceReleaseBodySchema,
      response: deviceSchema,
      handler: async ({ params, body, user }) => {
        const device = await requireOwnDevice(user.id, params.id);
        // Only the device's own key releases it: not another device of the account, not a session token alone.
        let valid: boolean;
        try {
          valid =
            body.statement.deviceId === params.id &&
            verifyEd25519(device.public_key, allowanceReleaseSigningBytes(body.statement), body.signature);
        } catch {
          valid = false;
        }
        if (!valid)
          throw new ApiError(403, 'not_this_device', "the release is not signed by this device's key");
        await releaseOwnAllowance(ctx, user.id, params.id, body.statement.lastSeq);
        return (await listDevices(user.id)).find((d) => d.id === params.id);
      },
    }),
  ];
}
