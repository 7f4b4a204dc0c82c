import { z } from 'zod';
import canonicalize from 'canonicalize';
import { isoInstantSchema } from './receipt';

/**
 * The proof that a request to release a device's offline allowance comes
 * from that device itself: the device signs, with its receipt key, which
 * device it is and the highest receipt seq it has counted. Another device
 * (or a stolen session token without the device key) cannot release it.
 *
 * The server keeps the released allowance reserved ("frozen") until the
 * receipts up to `lastSeq` have arrived, or the receipt age limit has passed.
 */
export const ALLOWANCE_RELEASE_SIGNING_CONTEXT = 'resonate/allowance-release/v1\n';

export const allowanceReleaseStatementSchema = z
  .object({
    deviceId: z.string().min(1).max(128),
    /** The highest receipt seq the device has counted (0: none). */
    lastSeq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    /** When the device signed it (device clock; informative only). */
    signedAt: isoInstantSchema,
  })
  .strict();
export type AllowanceReleaseStatement = z.infer<typeof allowanceReleaseStatementSchema>;

/** The body of `POST /v1/devices/:id/allowance/release`. */
export const allowanceReleaseBodySchema = z
  .object({
    statement: allowanceReleaseStatementSchema,
    /** base64url Ed25519 signature over `allowanceReleaseSigningBytes(statement)`. */
    signature: z.string().regex(/^[A-Za-z0-9_-]{86}$/, 'must be an 86-character base64url Ed25519 signature'),
  })
  .strict();
export type AllowanceReleaseBody = z.infer<typeof allowanceReleaseBodySchema>;

/** The bytes the device signs: the context, then the statement's RFC 8785 JSON. */
export function allowanceReleaseSigningBytes(statement: AllowanceReleaseStatement): Uint8Array {
  const json = canonicalize(allowanceReleaseStatementSchema.parse(statement));
  if (json === undefined) throw new Error('release statement could not be canonicalized');
  return new TextEncoder().encode(ALLOWANCE_RELEASE_SIGNING_CONTEXT + json);
}
