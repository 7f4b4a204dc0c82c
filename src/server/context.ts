import type { FastifyBaseLogger } from 'fastify';
import type { ServerClock, ServerConfig } from './config';
import type { Store } from './db/connect';
import type { SignaturePool } from './settlement/signature-pool';
import type { LruCache } from './lru';
import type { DeviceKey } from './settlement/verify';

/** What every service function of the server gets: the store, the settings, the clock. */
export interface ServerContext {
  store: Store;
  config: ServerConfig;
  clock: ServerClock;
  /** Folder of uploaded audio (…/media under the data folder). */
  mediaDir: string;
  log: FastifyBaseLogger;
  /** Ed25519 verification of receipts on worker threads (started on first use). */
  signatures: SignaturePool;
  /** Devices' owners and public keys, which never change (revocation is not cached). */
  deviceKeys: LruCache<string, DeviceKey>;
}
