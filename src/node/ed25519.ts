import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';

/**
 * Ed25519 for device keys and play receipts, with node:crypto only.
 * Keys and signatures travel as base64url (no padding) of their raw bytes:
 * a public key is 32 bytes (43 characters), a private key is its 32-byte
 * seed (43 characters), a signature 64 bytes (86 characters), the forms
 * RFC 8032 defines and every Ed25519 library reads.
 */

export interface Ed25519KeyPair {
  /** base64url of the 32-byte public key. */
  publicKey: string;
  /** base64url of the 32-byte private seed. Secret. */
  privateKey: string;
}

const RAW_KEY_LENGTH = 32;
const SIGNATURE_LENGTH = 64;

export function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/** Strict: rejects padding, other alphabets and non-canonical trailing bits. */
export function fromBase64Url(text: string): Buffer {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('not base64url');
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.toString('base64url') !== text) throw new Error('not canonical base64url');
  return bytes;
}

function rawKey(text: string, what: string): Buffer {
  const bytes = fromBase64Url(text);
  if (bytes.length !== RAW_KEY_LENGTH)
    throw new Error(`${what} must be ${RAW_KEY_LENGTH} bytes, got ${bytes.length}`);
  return bytes;
}

export function generateEd25519KeyPair(): Ed25519KeyPair {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  if (typeof jwk.d !== 'string' || typeof jwk.x !== 'string') throw new Error('Ed25519 key export failed');
  return { publicKey: jwk.x, privateKey: jwk.d };
}

export function privateKeyObject(privateKey: string): KeyObject {
  const d = rawKey(privateKey, 'private key').toString('base64url');
  // node:crypto needs x alongside d in a JWK; derive it from a PKCS#8 import of the seed.
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), fromBase64Url(d)]);
  return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
}

export function publicKeyObject(publicKey: string): KeyObject {
  const x = rawKey(publicKey, 'public key').toString('base64url');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
}

/** The public key that belongs to a private seed. */
export function publicKeyOf(privateKey: string): string {
  const jwk = createPublicKey(privateKeyObject(privateKey)).export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new Error('Ed25519 public key export failed');
  return jwk.x;
}

/** Signs bytes; answers base64url of the 64-byte signature. */
export function signEd25519(privateKey: string, message: Uint8Array): string {
  return toBase64Url(sign(null, message, privateKeyObject(privateKey)));
}

/** True only for a well-formed signature by this key over exactly these bytes; never throws on bad input. */
export function verifyEd25519(publicKey: string, message: Uint8Array, signature: string): boolean {
  try {
    const sig = fromBase64Url(signature);
    if (sig.length !== SIGNATURE_LENGTH) return false;
    return verify(null, message, publicKeyObject(publicKey), sig);
  } catch {
    return false;
  }
}
