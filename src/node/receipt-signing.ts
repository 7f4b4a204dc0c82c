import {
  receiptSigningBytes,
  signedPlayReceiptSchema,
  type PlayReceipt,
  type SignedPlayReceipt,
} from '../shared/receipt';
import { signEd25519, verifyEd25519 } from './ed25519';

/** Signs a play receipt with a device's private key (base64url seed). */
export function signPlayReceipt(receipt: PlayReceipt, privateKey: string): SignedPlayReceipt {
  return { receipt, signature: signEd25519(privateKey, receiptSigningBytes(receipt)) };
}

/**
 * Checks a signed receipt as the server does: the shape first (strict: no
 * unknown fields), then the signature by the device's registered key.
 */
export function verifySignedPlayReceipt(
  signed: unknown,
  publicKey: string,
): { ok: true; receipt: PlayReceipt } | { ok: false; reason: 'malformed' | 'bad_signature' } {
  const parsed = signedPlayReceiptSchema.safeParse(signed);
  if (!parsed.success) return { ok: false, reason: 'malformed' };
  const { receipt, signature } = parsed.data;
  if (!verifyEd25519(publicKey, receiptSigningBytes(receipt), signature))
    return { ok: false, reason: 'bad_signature' };
  return { ok: true, receipt };
}
