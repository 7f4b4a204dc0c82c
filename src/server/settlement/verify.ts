import { createHash } from 'node:crypto';
import { RECEIPT_SIGNING_CONTEXT, canonicalCheckedReceiptJson, signedPlayReceiptSchema, type PlayReceipt } from '../../shared/receipt';
import { zodIssues } from '../http/errors';
import type { ServerConfig } from '../config';

/**
 * The checks on a receipt that need no database lock: shape, device
 * ownership, signature, time window. Shape, device and time are checked on
 * the main thread; the signatures go to the signature pool (worker threads)
 * and are checked while the settlement reads the database.
 */
export type RejectReason =
  | 'malformed'
  | 'unknown_device'
  | 'device_not_yours'
  | 'device_revoked'
  | 'bad_signature'
  | 'counted_in_future'
  | 'too_old'
  | 'unknown_track'
  | 'not_counted'
  | 'conflict'
  | 'seq_reused';

export interface Rejection {
  reason: RejectReason;
  message: string;
  issues?: Array<{ path: string; message: string }>;
}

export interface VerifiedReceipt {
  receipt: PlayReceipt;
  countedAtMs: number;
  /** SHA-256 of the signed bytes (context + RFC 8785 JSON): identifies the content for dedupe. */
  contentHash: string;
  /** The receipt's RFC 8785 JSON and the device's signature, kept with the play for artists' audit reports. */
  canonicalJson: string;
  signature: string;
}

export interface DeviceKey {
  id: string;
  user_id: string;
  public_key: string;
}

export const reject = (reason: RejectReason, message: string, issues?: Rejection['issues']): Rejection => ({ reason, message, issues });

export function parseSignedReceipt(raw: unknown): { ok: true; receipt: PlayReceipt; signature: string } | { ok: false; rejection: Rejection } {
  const parsed = signedPlayReceiptSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, rejection: reject('malformed', 'receipt does not match protocol v1', zodIssues(parsed.error)) };
  return { ok: true, receipt: parsed.data.receipt, signature: parsed.data.signature };
}

/**
 * Everything about one receipt except its signature: device ownership and
 * the time window, plus the signed bytes (for the signature check, which
 * runs on the signature pool) and their hash (for dedupe). The signature
 * verdict is applied by `applySignature`, which keeps the order of reasons
 * a caller sees: device, then signature, then time.
 */
export type Prechecked =
  | { ok: false; rejection: Rejection }
  | { ok: true; value: VerifiedReceipt; publicKey: string; bytes: Uint8Array; signature: string; timeRejection: Rejection | null };

export function precheckReceipt(
  receipt: PlayReceipt,
  signature: string,
  userId: string,
  device: DeviceKey | undefined,
  config: ServerConfig,
  nowMs: number,
): Prechecked {
  if (!device) return { ok: false, rejection: reject('unknown_device', 'no device with this id is registered') };
  if (device.user_id !== userId) return { ok: false, rejection: reject('device_not_yours', 'the device belongs to another account') };
  // The receipt came out of the schema in parseSignedReceipt: no second parse.
  const canonicalJson = canonicalCheckedReceiptJson(receipt);
  const bytes = Buffer.from(RECEIPT_SIGNING_CONTEXT + canonicalJson, 'utf8');
  const countedAtMs = Date.parse(receipt.countedAt);
  const timeRejection =
    countedAtMs > nowMs + config.receiptFutureSkewMs
      ? reject('counted_in_future', 'countedAt is in the future beyond the allowed clock skew')
      : countedAtMs < nowMs - config.receiptMaxAgeMs
        ? reject('too_old', 'countedAt is older than the server accepts')
        : null;
  const contentHash = createHash('sha256').update(bytes).digest('hex');
  return { ok: true, value: { receipt, countedAtMs, contentHash, canonicalJson, signature }, publicKey: device.public_key, bytes, signature, timeRejection };
}

/** The rejection for a prechecked receipt once its signature verdict is known, or null when it is good. */
export function applySignature(checked: Extract<Prechecked, { ok: true }>, signatureValid: boolean): Rejection | null {
  if (!signatureValid) return reject('bad_signature', "signature does not verify with the device's key");
  return checked.timeRejection;
}
