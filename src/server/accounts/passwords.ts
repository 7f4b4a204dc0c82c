import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import type { ServerConfig } from '../config';

/** argon2id, with the cost from the config; the hash string carries its own parameters and salt. */
export function hashPassword(password: string, config: ServerConfig): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id, ...config.passwordHashing });
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** One hash of a random password per cost setting, made on first use (no password matches it). */
const dummyHashes = new Map<string, Promise<string>>();
function dummyHash(config: ServerConfig): Promise<string> {
  const key = JSON.stringify(config.passwordHashing);
  let hash = dummyHashes.get(key);
  if (!hash) {
    hash = hashPassword(randomBytes(32).toString('base64url'), config);
    dummyHashes.set(key, hash);
  }
  return hash;
}

/**
 * Checks a sign-in's password against the account's hash, or, when no
 * account has that e-mail, against a dummy hash of the same cost: both
 * paths run one argon2 verification, so the answer's timing does not tell
 * a known e-mail from an unknown one. False for an unknown account.
 */
export async function verifySignIn(
  storedHash: string | undefined,
  password: string,
  config: ServerConfig,
): Promise<boolean> {
  const matches = await verifyPassword(storedHash ?? (await dummyHash(config)), password);
  return storedHash !== undefined && matches;
}
