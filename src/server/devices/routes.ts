import { v7 as uuidv7 } from 'uuid';
import { publicKeyObject, verifyEd25519 } from '../../node/ed25519';
import { allowanceReleaseSigningBytes } from '../../shared/allowance-release';
import { devices } from '../../shared/server-api';
import { ApiError } from '../http/errors';
import { implement, type AnyRoute } from '../http/route';
import { isUniqueViolation } from '../accounts/users';
import { releaseOwnAllowance, revokeDevice } from '../settlement/allowances';
import type { ServerContext } from '../context';
import { deviceView, listDevices, requireOwnDevice } from './device-views';

/**
 * A listener's devices: register, list, revoke, and the device's own
 * release of its offline allowance. One route per function; this plugin
 * only lists them (docs/architecture.md, "Handlers").
 */
export function deviceRoutes(ctx: ServerContext): AnyRoute[] {
  return [
    registerDeviceRoute(ctx),
    listDevicesRoute(ctx),
    revokeDeviceRoute(ctx),
    releaseDeviceAllowanceRoute(ctx),
  ];
}

function registerDeviceRoute(ctx: ServerContext): AnyRoute {
  return implement(devices.registerDevice, {
    handler: async ({ body, user }) => {
      try {
        publicKeyObject(body.publicKey);
      } catch {
        throw new ApiError(400, 'invalid_public_key', 'publicKey is not a base64url Ed25519 public key');
      }
      const id = body.id ?? uuidv7();
      try {
        await ctx.store.db
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
      return deviceView(ctx, user.id, id);
    },
  });
}

function listDevicesRoute(ctx: ServerContext): AnyRoute {
  return implement(devices.listDevices, {
    handler: async ({ user }) => ({ devices: await listDevices(ctx, user.id) }),
  });
}

function revokeDeviceRoute(ctx: ServerContext): AnyRoute {
  return implement(devices.revokeDevice, {
    handler: async ({ params, user }) => {
      await requireOwnDevice(ctx, user.id, params.id);
      await revokeDevice(ctx, user.id, params.id);
      return deviceView(ctx, user.id, params.id);
    },
  });
}

function releaseDeviceAllowanceRoute(ctx: ServerContext): AnyRoute {
  return implement(devices.releaseDeviceAllowance, {
    handler: async ({ params, body, user }) => {
      const device = await requireOwnDevice(ctx, user.id, params.id);
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
      return deviceView(ctx, user.id, params.id);
    },
  });
}
