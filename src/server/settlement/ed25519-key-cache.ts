import { verify, type KeyObject } from 'node:crypto';
import { fromBase64Url, publicKeyObject } from '../../node/ed25519';

/**
 * Device public keys as node:crypto `KeyObject`s, least recently used
 * evicted. Importing a key from its JWK costs about as much as a tenth of a
 * verify and a batch of receipts comes from one or a few devices, so the
 * settlement path keeps imported keys (one cache per thread: the main thread
 * and each signature worker). A key that does not import is remembered as
 * `null` so a stream of forged receipts cannot make us re-import it either.
 */
export class PublicKeyCache {
  private readonly keys = new Map<string, KeyObject | null>();

  constructor(readonly capacity = 4096) {}

  get(publicKey: string): KeyObject | null {
    const hit = this.keys.get(publicKey);
    if (hit !== undefined) {
      // Map keeps insertion order: re-inserting marks it most recently used.
      this.keys.delete(publicKey);
      this.keys.set(publicKey, hit);
      return hit;
    }
    let key: KeyObject | null;
    try {
      key = publicKeyObject(publicKey);
    } catch {
      key = null;
    }
    this.keys.set(publicKey, key);
    if (this.keys.size > this.capacity) this.keys.delete(this.keys.keys().next().value!);
    return key;
  }

  get size(): number {
    return this.keys.size;
  }
}

const SIGNATURE_LENGTH = 64;

/**
 * Same answer as `verifyEd25519` of `src/node/ed25519.ts` (strict base64url,
 * 64-byte signature, never throws), with the key from the cache.
 */
export function verifyWithKeyCache(
  cache: PublicKeyCache,
  publicKey: string,
  message: Uint8Array,
  signature: string,
): boolean {
  try {
    const sig = fromBase64Url(signature);
    if (sig.length !== SIGNATURE_LENGTH) return false;
    const key = cache.get(publicKey);
    return key !== null && verify(null, message, key, sig);
  } catch {
    return false;
  }
}
