import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { plainKeyProtector, type KeyProtector } from '../wallet/device-identity';

/**
 * The session token, at rest: a 0600 file in the data folder, wrapped by the
 * same `KeyProtector` as the device key (Electron's safeStorage where the
 * adapter provides one). It never leaves the main process. A file that
 * cannot be read or unwrapped is treated as signed out (and removed): the
 * user signs in again; nothing else is lost.
 */
export const SESSION_FILE = 'sync-session.json';

export interface StoredSession {
  /** Which server the token is for: the setting's URL, or `bundled`. */
  serverKey: string;
  token: string;
  expiresAt: number;
}

const fileSchema = z.object({ v: z.literal(1), protection: z.string(), secret: z.string() }).strict();
const secretSchema = z
  .object({ serverKey: z.string(), token: z.string(), expiresAt: z.number().int() })
  .strict();

export class SessionStore {
  private readonly file: string;
  private readonly protector: KeyProtector;

  constructor(dataDir: string, protector?: KeyProtector) {
    this.file = join(dataDir, SESSION_FILE);
    this.protector = protector ?? plainKeyProtector;
  }

  load(): StoredSession | null {
    if (!existsSync(this.file)) return null;
    try {
      const stored = fileSchema.parse(JSON.parse(readFileSync(this.file, 'utf8')));
      const secret =
        stored.protection === this.protector.kind
          ? this.protector.unprotect(stored.secret)
          : stored.protection === plainKeyProtector.kind
            ? stored.secret
            : null;
      if (secret === null) throw new Error(`protected by ${stored.protection}, not available`);
      return secretSchema.parse(JSON.parse(secret));
    } catch {
      this.clear();
      return null;
    }
  }

  save(session: StoredSession): void {
    const content = JSON.stringify({
      v: 1,
      protection: this.protector.kind,
      secret: this.protector.protect(JSON.stringify(session)),
    });
    const temp = `${this.file}.tmp-${process.pid}`;
    writeFileSync(temp, content, { mode: 0o600 });
    chmodSync(temp, 0o600);
    const fd = openSync(temp, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, this.file);
  }

  clear(): void {
    rmSync(this.file, { force: true });
  }
}
