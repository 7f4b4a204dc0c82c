import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { generateEd25519KeyPair, signEd25519 } from '../../../src/node/ed25519';
import {
  allowanceReleaseSigningBytes,
  type AllowanceReleaseBody,
  type AllowanceReleaseStatement,
} from '../../../src/shared/allowance-release';
import { signPlayReceipt } from '../../../src/node/receipt-signing';
import type { PlayReceipt, SignedPlayReceipt } from '../../../src/shared/receipt';
import { startServerProcess, type ServerProcess } from '../../support/server-process';

/**
 * Test harness for the sync server: real server processes over real HTTP,
 * a small API client, and a device that signs receipts like the app will.
 */
const ROOT = resolve(import.meta.dirname, '../../..');
const MAIN = join(ROOT, 'src/server/main.ts');

/** Cheap argon2 for tests (the production default costs ~64 MiB and tens of ms per hash). */
export const TEST_CONFIG = {
  passwordHashing: { memoryCost: 1024, timeCost: 1, parallelism: 1 },
  authRateLimitPerMinute: 10_000,
};

export interface StoreTarget {
  name: 'sqlite' | 'postgres';
  dataDir: string;
  databaseUrl?: string;
  cleanup(): Promise<void>;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

const PG_ADMIN_URL = process.env.RESONATE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Null when PostgreSQL is reachable, else why not. */
export async function postgresUnavailableReason(): Promise<string | null> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (error) {
    const reason = `PostgreSQL at ${PG_ADMIN_URL} unreachable: ${(error as Error).message}`;
    // CI sets this: there the multi-instance tests must run, so a skip is a failure, not a green run.
    if (process.env.RESONATE_REQUIRE_PG === '1')
      throw new Error(`${reason} (RESONATE_REQUIRE_PG=1: PostgreSQL tests may not skip)`, { cause: error });
    return reason;
  } finally {
    await client.end().catch(() => {});
  }
}

/** A fresh SQLite data folder, or a fresh PostgreSQL database (dropped afterwards). */
export async function freshStore(kind: 'sqlite' | 'postgres'): Promise<StoreTarget> {
  const dataDir = tempDir(`resonate-server-${kind}-`);
  if (kind === 'sqlite') {
    return {
      name: 'sqlite',
      dataDir,
      cleanup: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const dbName = `resonate_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${dbName}`;
  return {
    name: 'postgres',
    dataDir,
    databaseUrl: url.toString(),
    cleanup: async () => {
      rmSync(dataDir, { recursive: true, force: true });
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await c.end();
    },
  };
}

function storeArgs(store: StoreTarget): string[] {
  return ['--data', store.dataDir, ...(store.databaseUrl ? ['--database-url', store.databaseUrl] : [])];
}

function env(config: object): NodeJS.ProcessEnv {
  return { ...process.env, RESONATE_SERVER_CONFIG: JSON.stringify({ ...TEST_CONFIG, ...config }) };
}

/** Runs an admin command of the server CLI; answers its JSON output. */
export async function runCli(store: StoreTarget, args: string[], config: object = {}): Promise<any> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', MAIN, ...args, ...storeArgs(store)],
    { cwd: ROOT, env: env(config) },
  );
  return JSON.parse(stdout);
}

export type { ServerProcess } from '../../support/server-process';

/** Starts `src/server/main.ts` on a free port and waits until it listens. */
export function spawnServer(store: StoreTarget, config: object = {}): Promise<ServerProcess> {
  return startServerProcess({ storeArgs: storeArgs(store), config: { ...TEST_CONFIG, ...config } });
}

export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A minimal JSON client for the /v1 API. */
export class Api {
  constructor(
    readonly base: string,
    public token = '',
  ) {}

  async call<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer<T>> {
    const response = await fetch(this.base + path, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: response.status, body: parsed as T, headers: response.headers };
  }
  get = <T = any>(path: string) => this.call<T>('GET', path);
  post = <T = any>(path: string, body: unknown = {}) => this.call<T>('POST', path, body);
  put = <T = any>(path: string, body: unknown = {}) => this.call<T>('PUT', path, body);

  withBase(base: string): Api {
    return new Api(base, this.token);
  }
}

export async function signUp(
  base: string,
  email: string,
  password = 'correct horse battery',
): Promise<Api & { userId: string }> {
  const api = new Api(base);
  const answer = await api.post('/v1/auth/sign-up', { email, password });
  if (answer.status !== 201) throw new Error(`sign-up failed: ${JSON.stringify(answer.body)}`);
  api.token = answer.body.token;
  return Object.assign(api, { userId: answer.body.user.id as string });
}

export async function signIn(base: string, email: string, password: string): Promise<Api> {
  const api = new Api(base);
  const answer = await api.post('/v1/auth/sign-in', { email, password });
  if (answer.status !== 200) throw new Error(`sign-in failed: ${JSON.stringify(answer.body)}`);
  api.token = answer.body.token;
  return api;
}

/** A device as the app has it: a key pair, an id, a seq counter. */
export class TestDevice {
  readonly id = uuidv7();
  readonly keys = generateEd25519KeyPair();
  seq = 0;

  async register(api: Api, name = 'test device'): Promise<void> {
    const answer = await api.post('/v1/devices', { id: this.id, name, publicKey: this.keys.publicKey });
    if (answer.status !== 201) throw new Error(`device registration failed: ${JSON.stringify(answer.body)}`);
  }

  receipt(trackId: string, overrides: Partial<PlayReceipt> = {}, atMs = Date.now()): PlayReceipt {
    const counted = new Date(atMs);
    return {
      v: 1,
      id: uuidv7(),
      deviceId: this.id,
      seq: ++this.seq,
      trackId,
      sessionStartedAt: new Date(atMs - 46_000).toISOString(),
      countedAt: counted.toISOString(),
      heardMs: 45_000,
      durationMs: 200_000,
      estimatedPriceThousandths: 0,
      ...overrides,
    };
  }

  sign(receipt: PlayReceipt): SignedPlayReceipt {
    return signPlayReceipt(receipt, this.keys.privateKey);
  }

  play(trackId: string, overrides: Partial<PlayReceipt> = {}, atMs = Date.now()): SignedPlayReceipt {
    return this.sign(this.receipt(trackId, overrides, atMs));
  }

  /** The body of `POST /v1/devices/:id/allowance/release`, signed by this device's key (as the app does on sign-out). */
  releaseBody(statement: Partial<AllowanceReleaseStatement> = {}): AllowanceReleaseBody {
    const full: AllowanceReleaseStatement = {
      deviceId: this.id,
      lastSeq: this.seq,
      signedAt: new Date().toISOString(),
      ...statement,
    };
    return {
      statement: full,
      signature: signEd25519(this.keys.privateKey, allowanceReleaseSigningBytes(full)),
    };
  }
}

/** A new admin account (made with the server's CLI, as an operator would), signed in. */
export async function signInNewAdmin(
  store: StoreTarget,
  base: string,
  adminEmail = `admin-${uuidv7()}@example.org`,
): Promise<Api> {
  await runCli(store, ['add-user', '--email', adminEmail, '--password', 'admin password', '--role', 'admin']);
  return signIn(base, adminEmail, 'admin password');
}

/** An admin signed in, an artist with a release of tracks of the given durations. */
export async function seedCatalog(
  store: StoreTarget,
  base: string,
  tracks: Array<{ durationMs: number; status?: 'paid' | 'free' }>,
  adminEmail = `admin-${uuidv7()}@example.org`,
): Promise<{ admin: Api; artistId: string; releaseId: string; trackIds: string[] }> {
  const admin = await signInNewAdmin(store, base, adminEmail);
  const artist = await admin.post('/v1/admin/artists', { name: `Artist ${uuidv7()}` });
  const release = await admin.post('/v1/admin/releases', {
    artistId: artist.body.id,
    title: 'Release',
    tracks: tracks.map((t, i) => ({
      title: `Track ${i + 1}`,
      durationMs: t.durationMs,
      status: t.status ?? 'paid',
    })),
  });
  if (release.status !== 201) throw new Error(JSON.stringify(release.body));
  return {
    admin,
    artistId: artist.body.id,
    releaseId: release.body.releaseId,
    trackIds: release.body.trackIds,
  };
}
