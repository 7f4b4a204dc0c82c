import { z } from 'zod';
import { allowanceReleaseBodySchema } from '../allowance-release';
import { uuidV7Schema } from '../receipt';
import { deviceSchema } from './answers';
import { serverRoute } from './define';

const idParams = z.object({ id: z.string().min(1).max(128) });

export const registerDevice = serverRoute({
  method: 'POST',
  path: '/v1/devices',
  summary: 'Register a device and its Ed25519 public key',
  tag: 'devices',
  access: 'user',
  body: z.object({
    id: uuidV7Schema.optional().describe('the device may choose its id (UUIDv7); else the server does'),
    name: z.string().min(1).max(100),
    publicKey: z.string().length(43).describe('base64url of the 32-byte Ed25519 public key'),
  }),
  answer: deviceSchema,
  successStatus: 201,
  errors: ['invalid_public_key', 'device_exists'],
});

export const listDevices = serverRoute({
  method: 'GET',
  path: '/v1/devices',
  summary: "The signed-in user's devices",
  tag: 'devices',
  access: 'user',
  answer: z.object({ devices: z.array(deviceSchema) }),
  errors: [],
});

export const revokeDevice = serverRoute({
  method: 'POST',
  path: '/v1/devices/:id/revoke',
  summary:
    'Revoke a device: its receipts counted from now on are refused; its allowance stays reserved for those counted before, until the receipt age limit',
  tag: 'devices',
  access: 'user',
  params: idParams,
  answer: deviceSchema,
  errors: ['not_found'],
});

export const releaseDeviceAllowance = serverRoute({
  method: 'POST',
  path: '/v1/devices/:id/allowance/release',
  summary:
    'The device itself gives its offline allowance back (e.g. on sign-out of the app), signing which device it is and the last seq it counted; the allowance stays reserved until those receipts are in',
  tag: 'devices',
  access: 'user',
  params: idParams,
  body: allowanceReleaseBodySchema,
  answer: deviceSchema,
  errors: ['not_found', 'not_this_device'],
});
