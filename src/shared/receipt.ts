import { z } from 'zod';
import canonicalize from 'canonicalize';
import { PRICE_TO_OWN_THOUSANDTHS, heardMsNeededToCount } from './pricing';

/**
 * The play receipt, version 1: what a device signs when a play of a co-op
 * track is counted, and what the server settles. It states facts (which
 * track, when, how long it was heard); the price in it is only the client's
 * estimate, the server decides. The full specification, with a worked
 * example, is `docs/protocol.md`; keep the two in step.
 *
 * Pure: no Node, no DOM. Signing and verifying live in `src/node/ed25519.ts`.
 */

export const RECEIPT_VERSION = 1;

/**
 * Prepended to the canonical JSON before signing, so a device key's
 * signature over a receipt can never be mistaken for its signature over
 * anything else that key may sign one day (a sync login challenge, say).
 */
export const RECEIPT_SIGNING_CONTEXT = 'resonate/play-receipt/v1\n';

/** Lower-case UUID of version 7 (time-ordered), RFC 9562. */
export const uuidV7Schema = z
  .string()
  .regex(
    /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    'must be a lower-case UUIDv7',
  );

/** A co-op track id: the server's id, also usable as a media path segment. */
export const coopTrackIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be 1–128 characters of A–Z, a–z, 0–9, _ or -');

/**
 * An instant in UTC with milliseconds, exactly as `Date.prototype.toISOString`
 * writes it for years 0000–9999: `2026-01-01T12:00:45.000Z`. One spelling per
 * instant, so the canonical bytes of a receipt are unique.
 */
export const isoInstantSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, 'must be YYYY-MM-DDTHH:mm:ss.sssZ (UTC)')
  .refine((s) => {
    const t = Date.parse(s);
    return Number.isFinite(t) && new Date(t).toISOString() === s;
  }, 'must be a real instant');

/** Milliseconds; at most about 31 days, far beyond any track, well inside 2^53. */
const millisSchema = z.number().int().min(0).max(2_678_400_000);

export const playReceiptSchema = z
  .object({
    /** Format version; always 1 here. */
    v: z.literal(RECEIPT_VERSION),
    /** Chosen by the device, persisted before sending: a resend carries the same id. */
    id: uuidV7Schema,
    /** The signing device; the server knows its public key from the device's registration. */
    deviceId: uuidV7Schema,
    /** 1, 2, 3, … per device, without gaps, in the order the plays were counted. */
    seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    trackId: coopTrackIdSchema,
    /** When the play session started (the media URL was handed out), device wall clock. */
    sessionStartedAt: isoInstantSchema,
    /** When the play was counted, device wall clock. */
    countedAt: isoInstantSchema,
    /** Listening time the device measured in the session up to the count. */
    heardMs: millisSchema,
    /** The track's duration as the device knew it; below 45 000 the play is free. */
    durationMs: millisSchema.min(1),
    /** The device's estimate of this play's price in thousandths (0 when it judged it free). */
    estimatedPriceThousandths: z.number().int().min(0).max(PRICE_TO_OWN_THOUSANDTHS),
  })
  .strict()
  .superRefine((r, ctx) => {
    // A receipt only exists for a counted play: 45 s heard, or a short track heard to the end.
    // A duration the field refuses (0, negative, fractional, huge) is reported by the field, not thrown here.
    const needed =
      Number.isSafeInteger(r.durationMs) && r.durationMs > 0 ? heardMsNeededToCount(r.durationMs) : 0;
    if (r.heardMs < needed) {
      ctx.addIssue({ code: 'custom', path: ['heardMs'], message: `a counted play has heardMs ≥ ${needed}` });
    }
    if (Date.parse(r.countedAt) < Date.parse(r.sessionStartedAt)) {
      ctx.addIssue({ code: 'custom', path: ['countedAt'], message: 'countedAt is before sessionStartedAt' });
    }
  });
export type PlayReceipt = z.infer<typeof playReceiptSchema>;

/** base64url without padding, as RFC 4648 §5; Ed25519 signatures are 64 bytes → 86 characters. */
export const base64UrlSchema = z.string().regex(/^[A-Za-z0-9_-]*$/, 'must be base64url without padding');

/** What a device sends: the receipt and its Ed25519 signature over `receiptSigningBytes(receipt)`. */
export const signedPlayReceiptSchema = z
  .object({
    receipt: playReceiptSchema,
    signature: base64UrlSchema.length(86),
  })
  .strict();
export type SignedPlayReceipt = z.infer<typeof signedPlayReceiptSchema>;

/** RFC 8785 (JCS) canonical JSON of a receipt, after checking it against the schema. */
export function canonicalReceiptJson(receipt: PlayReceipt): string {
  const checked = playReceiptSchema.parse(receipt);
  const json = canonicalize(checked);
  if (json === undefined) throw new Error('receipt could not be canonicalized');
  return json;
}

/** The exact bytes a device signs: UTF-8 of the signing context followed by the canonical JSON. */
export function receiptSigningBytes(receipt: PlayReceipt): Uint8Array {
  return signingBytesOfCheckedReceipt(playReceiptSchema.parse(receipt));
}

/**
 * The same bytes for a receipt that has just come out of `playReceiptSchema`
 * (or `signedPlayReceiptSchema`): no second parse. The server's hot path
 * parses every receipt once and must not pay for the schema twice. Passing
 * anything that was not parsed by the schema may canonicalize unknown members.
 */
export function signingBytesOfCheckedReceipt(checked: PlayReceipt): Uint8Array {
  return new TextEncoder().encode(RECEIPT_SIGNING_CONTEXT + canonicalCheckedReceiptJson(checked));
}

/** `canonicalReceiptJson` for a receipt that already came out of the schema (see above). */
export function canonicalCheckedReceiptJson(checked: PlayReceipt): string {
  const json = canonicalize(checked);
  if (json === undefined) throw new Error('receipt could not be canonicalized');
  return json;
}
