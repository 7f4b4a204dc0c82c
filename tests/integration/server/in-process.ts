import { v7 as uuidv7 } from 'uuid';
import { buildServer, type BuiltServer } from '../../../src/server/app';
import { createUser } from '../../../src/server/accounts/users';
import type { ConfigOverrides } from '../../../src/server/config';
import { freshStore, TEST_CONFIG, type StoreTarget } from './harness';

/**
 * The server built in this process (no listening socket): requests go
 * through Fastify's `inject`, the clock is the test's, and admins are made
 * with the server's own createUser, as the CLI does. For tests that need a
 * clock they can step or thousands of requests in seconds.
 */
export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | number | undefined>;
}

export class TestClock {
  constructor(public now = Date.UTC(2026, 0, 15, 12)) {}
  nowMs = () => this.now;
  advance(ms: number): void {
    this.now += ms;
  }
}

export interface InProcessServer {
  store: StoreTarget;
  built: BuiltServer;
  clock: TestClock;
  call<T = any>(
    method: string,
    url: string,
    options?: {
      body?: unknown;
      token?: string;
      headers?: Record<string, string>;
      rawBody?: string;
      remoteAddress?: string;
    },
  ): Promise<Answer<T>>;
  /** A new account of this role, signed in: its token and id. */
  account(
    role?: 'listener' | 'artist' | 'admin',
    password?: string,
  ): Promise<{ token: string; userId: string; email: string }>;
  close(): Promise<void>;
}

/**
 * A server on a fresh store, or (`sameStoreAs`) a second instance on another
 * server's store, as two instances behind a load balancer; closing the
 * second leaves the store to the first.
 */
export async function inProcessServer(
  kind: 'sqlite' | 'postgres',
  config: ConfigOverrides = {},
  clock = new TestClock(),
  sameStoreAs?: InProcessServer,
): Promise<InProcessServer> {
  const store = sameStoreAs?.store ?? (await freshStore(kind));
  const built = await buildServer({
    dataDir: store.dataDir,
    databaseUrl: store.databaseUrl,
    clock,
    logLevel: 'silent',
    config: { ...TEST_CONFIG, signatureWorkers: 0, ...config },
  });
  const call: InProcessServer['call'] = async (method, url, options = {}) => {
    const headers: Record<string, string> = {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    };
    let payload: string | undefined = options.rawBody;
    if (options.body !== undefined) payload = JSON.stringify(options.body);
    if (payload !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
      headers['content-type'] = 'application/json';
    const response = await built.app.inject({
      method: method as 'GET',
      url,
      headers,
      payload,
      remoteAddress: options.remoteAddress,
    });
    let body: unknown = response.body;
    if (String(response.headers['content-type'] ?? '').includes('json') && response.body)
      body = JSON.parse(response.body);
    return { status: response.statusCode, body: body as any, headers: response.headers };
  };
  return {
    store,
    built,
    clock,
    call,
    async account(role = 'listener', password = 'correct horse battery') {
      const email = `${role}-${uuidv7()}@example.org`;
      const user = await createUser(built.ctx, { email, password, role });
      const answer = await call('POST', '/v1/auth/sign-in', { body: { email, password } });
      if (answer.status !== 200) throw new Error(`sign-in failed: ${JSON.stringify(answer.body)}`);
      return { token: answer.body.token as string, userId: user.id, email };
    },
    async close() {
      await built.close();
      if (!sameStoreAs) await store.cleanup();
    },
  };
}
