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
