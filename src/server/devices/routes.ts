import { v7 as uuidv7 } from 'uuid';
import { publicKeyObject, verifyEd25519 } from '../../node/ed25519';
import { allowanceReleaseSigningBytes } from '../../shared/allowance-release';
import { devices } from '../../shared/server-api';
import { ApiError, notFound } from '../http/errors';
import { implement, type AnyRoute } from '../http/route';
import { isUniqueViolation } from '../accounts/users';
import { releaseOwnAllowance, revokeDevice } from '../settlement/allowances';
import type { ServerContext } from '../context';

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
    implement(devices.registerDevice, {
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
    implement(devices.listDevices, {
      handler: async ({ user }) => ({ devices: await listDevices(user.id) }),
    }),
    implement(devices.revokeDevice, {
      handler: async ({ params, user }) => {
        await requireOwnDevice(user.id, params.id);
        await revokeDevice(ctx, user.id, params.id);
        return (await listDevices(user.id)).find((d) => d.id === params.id);
      },
    }),
    implement(devices.releaseDeviceAllowance, {
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
