import { sha256 } from '@noble/hashes/sha2.js';

/**
 * RFC 9162 §2.1.1 hashing (SHA-256 with domain separation) and the byte
 * encodings the log's formats use. Pure: no Node or DOM APIs beyond
 * `btoa`/`atob`, which every runtime of this project has.
 */
export const HASH_SIZE = 32;

export type Hash = Uint8Array;

export type NodeHasher = (left: Hash, right: Hash) => Hash;

const utf8 = new TextEncoder();

export function utf8Bytes(text: string): Uint8Array {
  return utf8.encode(text);
}

export function sha256Bytes(data: Uint8Array): Hash {
  return sha256(data);
}

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_ROOT: Hash = sha256(new Uint8Array(0));

/** H(0x00 || leaf). */
export function leafHash(leaf: Uint8Array): Hash {
  const buf = new Uint8Array(leaf.length + 1);
  buf[0] = 0;
  buf.set(leaf, 1);
  return sha256(buf);
}

/** H(0x01 || left || right). One scratch buffer: verifying is a tight loop of these (sha256 copies its input). */
const NODE_INPUT = new Uint8Array(1 + HASH_SIZE * 2);
NODE_INPUT[0] = 1;
export const nodeHash: NodeHasher = (left, right) => {
  NODE_INPUT.set(left, 1);
  NODE_INPUT.set(right, 1 + HASH_SIZE);
  return sha256(NODE_INPUT);
};

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

export function fromHex(hex: string): Uint8Array {
  if (!/^(?:[0-9a-f]{2})*$/.test(hex)) throw new Error('not lower-case hex of whole bytes');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict standard base64 with padding (RFC 4648 §4); anything else throws. */
export function fromBase64(text: string): Uint8Array {
  if (!BASE64.test(text)) throw new Error('not standard padded base64');
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** A base64 hash of exactly 32 bytes. */
export function hashFromBase64(text: string, what = 'hash'): Hash {
  const bytes = fromBase64(text);
  if (bytes.length !== HASH_SIZE) throw new Error(`${what} is ${bytes.length} bytes, not ${HASH_SIZE}`);
  return bytes;
}
