import { createHash } from 'node:crypto';
import { receiptSigningBytes, signedPlayReceiptSchema, type PlayReceipt } from '../../shared/receipt';
import { verifyEd25519 } from '../../node/ed25519';
import { zodIssues } from '../http/errors';
import type { ServerConfig } from '../config';

/**
 * The checks on a receipt that need no lock: shape, device ownership,
 * signature, time window. They run before the settlement transaction so the
 * CPU work (Ed25519) never holds a database lock.
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

export function verifyReceipt(
  receipt: PlayReceipt,
  signature: string,
  userId: string,
  device: DeviceKey | undefined,
  config: ServerConfig,
  nowMs: number,
): { ok: true; value: VerifiedReceipt } | { ok: false; rejection: Rejection } {
  if (!device) return { ok: false, rejection: reject('unknown_device', 'no device with this id is registered') };
  if (device.user_id !== userId) return { ok: false, rejection: reject('device_not_yours', 'the device belongs to another account') };
  const bytes = receiptSigningBytes(receipt);
  if (!verifyEd25519(device.public_key, bytes, signature)) {
    return { ok: false, rejection: reject('bad_signature', "signature does not verify with the device's key") };
  }
  const countedAtMs = Date.parse(receipt.countedAt);
  if (countedAtMs > nowMs + config.receiptFutureSkewMs) {
    return { ok: false, rejection: reject('counted_in_future', 'countedAt is in the future beyond the allowed clock skew') };
  }
  if (countedAtMs < nowMs - config.receiptMaxAgeMs) {
    return { ok: false, rejection: reject('too_old', 'countedAt is older than the server accepts') };
  }
  const contentHash = createHash('sha256').update(bytes).digest('hex');
  return { ok: true, value: { receipt, countedAtMs, contentHash } };
}
