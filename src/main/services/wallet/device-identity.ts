import {
  chmodSync,
  existsSync,
  readFileSync,
  renameSync,
  writeFileSync,
  openSync,
  fsyncSync,
  closeSync,
} from 'node:fs';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { generateEd25519KeyPair, publicKeyOf } from '../../../node/ed25519';
import type { Clock } from '../core/clock';
import type { Db } from '../db/database';
import { typedDb } from '../db/typed-query';
import type { WalletTables } from './tables';

/**
 * This device's identity for play receipts: a device id and an Ed25519 key
 * pair, made on first run. The private key is kept in a 0600 file in the
 * data folder, wrapped by a `KeyProtector` (Electron's safeStorage where the
 * adapter provides it; as is otherwise). The `devices` table keeps every
 * identity this install has had and the next receipt seq of each.
 *
 * Losing the key (file deleted, corrupt, unreadable, or out of step with the
 * database) never loses receipts: they are signed when they are made and wait
 * in the outbox as they are. A new identity (new key, new device id, seq from
 * 1) is made, and the old one is retired, not deleted.
 */

/**
 * Wraps the private key at rest. Electron's adapter builds one from `safeStorage`
 * when `safeStorage.isEncryptionAvailable()`:
 *
 *   { kind: 'electron-safe-storage',
 *     protect: (s) => safeStorage.encryptString(s).toString('base64'),
 *     unprotect: (s) => safeStorage.decryptString(Buffer.from(s, 'base64')) }
 *
 * and passes it as `keyProtector` to `createAppServices`. A plain key file found
 * at start is re-written wrapped; a wrapped one that cannot be unwrapped (other OS
 * user, keyring reset) counts as a lost key.
 */
export interface KeyProtector {
  /** Written to the key file, so a later start knows how to unwrap it. */
  readonly kind: string;
  protect(secret: string): string;
  unprotect(stored: string): string;
}

/** No wrapping: the key file's 0600 mode is the protection. */
export const plainKeyProtector: KeyProtector = {
  kind: 'plain',
  protect: (secret) => secret,
  unprotect: (stored) => stored,
};

export interface DeviceIdentity {
  deviceId: string;
  publicKey: string;
  /** base64url Ed25519 seed; stays in the main process. */
  privateKey: string;
}

export const DEVICE_KEY_FILE = 'device-key.json';

const keyFileSchema = z
  .object({
    v: z.literal(1),
    deviceId: z.string().min(1),
    publicKey: z.string().length(43),
    protection: z.string().min(1),
    secret: z.string().min(1),
  })
  .strict();

export interface DeviceIdentityDeps {
  db: Db;
  dataDir: string;
  clock: Clock;
  protector?: KeyProtector;
  log: { warn(details: object, message: string): void; info(details: object, message: string): void };
  /** Make a new identity even if the current one is fine (a user's "reset this device"). */
  forceNew?: boolean;
}

/** Loads this device's identity, or makes a new one; see the module comment for when. */
export function loadOrCreateDeviceIdentity(deps: DeviceIdentityDeps): DeviceIdentity {
  const protector = deps.protector ?? plainKeyProtector;
  const file = join(deps.dataDir, DEVICE_KEY_FILE);
  if (deps.forceNew) return createIdentity(deps, file, protector);
  const loaded = readKeyFile(file, protector, deps.log, deps.clock.nowMs());
  if (loaded) {
    const db = typedDb<WalletTables>(deps.db);
    const row = db.get(
      db.q
        .selectFrom('devices')
        .select(['public_key as publicKey', 'retired_at as retiredAt'])
        .where('id', '=', loaded.identity.deviceId),
    );
    if (row && row.retiredAt === null && row.publicKey === loaded.identity.publicKey) {
      if (loaded.protection !== protector.kind) writeKeyFile(file, loaded.identity, protector); // e.g. safeStorage became available
      return loaded.identity;
    }
    // A key without its database row (the database was replaced or lost) could reuse
    // seq numbers the server has already seen; a fresh identity is the safe answer.
    deps.log.warn(
      { deviceId: loaded.identity.deviceId, inDatabase: Boolean(row) },
      'device key does not match the database; making a new device identity',
    );
  }
  return createIdentity(deps, file, protector);
}

function readKeyFile(
  file: string,
  protector: KeyProtector,
  log: DeviceIdentityDeps['log'],
  nowMs: number,
): { identity: DeviceIdentity; protection: string } | null {
  if (!existsSync(file)) return null;
  try {
    const parsed = keyFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    let privateKey: string;
    if (parsed.protection === protector.kind) privateKey = protector.unprotect(parsed.secret);
    else if (parsed.protection === plainKeyProtector.kind) privateKey = parsed.secret;
    else throw new Error(`key is protected by "${parsed.protection}", which is not available`);
    if (publicKeyOf(privateKey) !== parsed.publicKey)
      throw new Error('private key does not match the public key');
    return {
      identity: { deviceId: parsed.deviceId, publicKey: parsed.publicKey, privateKey },
      protection: parsed.protection,
    };
  } catch (error) {
    log.warn(
      { err: error instanceof Error ? error.message : String(error), file },
      'device key unreadable; setting it aside',
    );
    try {
      renameSync(file, `${file}.unreadable-${nowMs}`);
    } catch {
      // nothing to keep
    }
    return null;
  }
}

function createIdentity(deps: DeviceIdentityDeps, file: string, protector: KeyProtector): DeviceIdentity {
  const keys = generateEd25519KeyPair();
  const identity: DeviceIdentity = {
    deviceId: uuidv7(),
    publicKey: keys.publicKey,
    privateKey: keys.privateKey,
  };
  // Key file first: a crash before the row is written leaves a key without a row,
  // which the next start replaces; no receipt was ever signed with it.
  writeKeyFile(file, identity, protector);
  const now = deps.clock.nowMs();
  const db = typedDb<WalletTables>(deps.db);
  db.raw.transaction(() => {
    db.run(db.q.updateTable('devices').set({ retired_at: now }).where('retired_at', 'is', null));
    db.run(
      db.q
        .insertInto('devices')
        .values({ id: identity.deviceId, public_key: identity.publicKey, created_at: now }),
    );
  })();
  deps.log.info({ deviceId: identity.deviceId }, 'made a new device identity');
  return identity;
}

/** Atomic and private: written to a 0600 temp file, flushed, then renamed over the old one. */
function writeKeyFile(file: string, identity: DeviceIdentity, protector: KeyProtector): void {
  const content = JSON.stringify({
    v: 1,
    deviceId: identity.deviceId,
    publicKey: identity.publicKey,
    protection: protector.kind,
    secret: protector.protect(identity.privateKey),
  });
  const temp = `${file}.tmp-${process.pid}`;
  writeFileSync(temp, content, { mode: 0o600 });
  chmodSync(temp, 0o600); // in case the umask or an existing file kept wider bits
  const fd = openSync(temp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
}
