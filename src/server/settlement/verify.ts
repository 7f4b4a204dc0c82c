import { createHash } from 'node:crypto';
import {
  RECEIPT_SIGNING_CONTEXT,
  canonicalCheckedReceiptJson,
  signedPlayReceiptSchema,
  type PlayReceipt,
} from '../../shared/receipt';
import { zodIssues } from '../http/errors';
import type { ServerConfig } from '../config';

/**
 * The checks on a receipt that need no database lock: shape, device
 * ownership, signature, time window. Shape, device and time are checked on
 * the main thread; the signatures go to the signature pool (worker threads)
 * and are checked while the settlement reads the database.
 *
 * Every rejection is final (the app drops the receipt): a receipt is refused
 * only for what it is, never for when it arrives. The time window is not a
 * verdict: a receipt counted in the future or long ago is settled and the
 * anomaly recorded with the play.
 */
export type RejectReason =
  | 'malformed'
  | 'unknown_device'
  | 'device_not_yours'
  | 'device_revoked'
  | 'bad_signature'
  | 'unknown_track'
  | 'not_counted'
  | 'conflict';

/** Unusual, but settled: kept with the play (`plays.anomaly`). */
export type Anomaly = 'counted_in_future' | 'too_old' | 'seq_reused';

export interface Rejection {
  reason: RejectReason;
  message: string;
  issues?: Array<{ path: string; message: string }>;
}

export interface VerifiedReceipt {
  receipt: PlayReceipt;
  countedAtMs: number;
  /** The time-window anomaly, if any, and for a receipt counted in the future, by how much (ms). */
  timeAnomaly: Anomaly | null;
  clockSkewMs: number | null;
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

export const reject = (reason: RejectReason, message: string, issues?: Rejection['issues']): Rejection => ({
  reason,
  message,
  issues,
});

export function parseSignedReceipt(
  raw: unknown,
): { ok: true; receipt: PlayReceipt; signature: string } | { ok: false; rejection: Rejection } {
  let parsed;
  try {
    parsed = signedPlayReceiptSchema.safeParse(raw);
  } catch (error) {
    // A refinement that throws on a value the schema also refuses (a non-integer duration, say): still just malformed.
    return {
      ok: false,
      rejection: reject('malformed', `receipt does not match protocol v1: ${(error as Error).message}`),
    };
  }
  if (!parsed.success)
    return {
      ok: false,
      rejection: reject('malformed', 'receipt does not match protocol v1', zodIssues(parsed.error)),
    };
  return { ok: true, receipt: parsed.data.receipt, signature: parsed.data.signature };
}

/**
 * Everything about one receipt except its signature: device ownership and
 * the time window (an anomaly, not a verdict), plus the signed bytes (for the
 * signature check, which runs on the signature pool) and their hash (for
 * dedupe). The signature verdict is applied by `applySignature`.
 */
export type Prechecked =
  | { ok: false; rejection: Rejection }
  | { ok: true; value: VerifiedReceipt; publicKey: string; bytes: Uint8Array; signature: string };

export function precheckReceipt(
  receipt: PlayReceipt,
  signature: string,
  userId: string,
  device: DeviceKey | undefined,
  config: ServerConfig,
  nowMs: number,
): Prechecked {
  if (!device)
    return { ok: false, rejection: reject('unknown_device', 'no device with this id is registered') };
  if (device.user_id !== userId)
    return { ok: false, rejection: reject('device_not_yours', 'the device belongs to another account') };
  // The receipt came out of the schema in parseSignedReceipt: no second parse.
  const canonicalJson = canonicalCheckedReceiptJson(receipt);
  const bytes = Buffer.from(RECEIPT_SIGNING_CONTEXT + canonicalJson, 'utf8');
  const countedAtMs = Date.parse(receipt.countedAt);
  const inFuture = countedAtMs > nowMs + config.receiptFutureSkewMs;
  const timeAnomaly: Anomaly | null = inFuture
    ? 'counted_in_future'
    : countedAtMs < nowMs - config.receiptMaxAgeMs
      ? 'too_old'
      : null;
  const contentHash = createHash('sha256').update(bytes).digest('hex');
  const value = {
    receipt,
    countedAtMs,
    timeAnomaly,
    clockSkewMs: inFuture ? countedAtMs - nowMs : null,
    contentHash,
    canonicalJson,
    signature,
  };
  return { ok: true, value, publicKey: device.public_key, bytes, signature };
}

/** The rejection for a prechecked receipt once its signature verdict is known, or null when it is good. */
export function applySignature(signatureValid: boolean): Rejection | null {
  return signatureValid ? null : reject('bad_signature', "signature does not verify with the device's key");
}
