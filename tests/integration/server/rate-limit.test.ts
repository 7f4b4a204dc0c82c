import { afterAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import {
  Api,
  freshStore,
  postgresUnavailableReason,
  spawnServer,
  type ServerProcess,
  type StoreTarget,
} from './harness';

/**
 * Sign-in and sign-up limits count in the database: behind two instances on
 * one PostgreSQL database an attacker gets the limit once, not once per
 * instance. Windows are whole minutes, so a test waits out the last seconds
 * of a minute rather than straddle two windows.
 */
const pgSkipReason = await postgresUnavailableReason();

async function awayFromMinuteEdge(): Promise<void> {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 50_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 200));
}

const signIn = (base: string) =>
  new Api(base).post('/v1/auth/sign-in', {
    email: `nobody-${uuidv7()}@example.org`,
    password: 'wrong password',
  });

describe('sign-in rate limits in the database', () => {
  const stores: StoreTarget[] = [];
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    for (const s of servers) await s.stop();
    for (const s of stores) await s.cleanup();
  });

  it('limits one SQLite instance per route', async () => {
    const store = await freshStore('sqlite');
    stores.push(store);
    const server = await spawnServer(store, { authRateLimitPerMinute: 3 });
    servers.push(server);
    await awayFromMinuteEdge();
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await signIn(server.url)).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const limited = await signIn(server.url);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(limited.headers.get('retry-after')).toBeTruthy();
    // Sign-up has its own counter.
    expect(
      (
        await new Api(server.url).post('/v1/auth/sign-up', {
          email: `new-${uuidv7()}@example.org`,
          password: 'a fine password',
        })
      ).status,
    ).toBe(201);
  });

  it.skipIf(pgSkipReason !== null)(
    'shares the limit between two instances on one PostgreSQL database',
    async () => {
      const store = await freshStore('postgres');
      stores.push(store);
      const a = await spawnServer(store, { authRateLimitPerMinute: 4 });
      servers.push(a);
      const b = await spawnServer(store, { authRateLimitPerMinute: 4 });
      servers.push(b);
      await awayFromMinuteEdge();
      const statuses = [];
      for (let i = 0; i < 6; i++) statuses.push((await signIn(i % 2 ? b.url : a.url)).status);
      // Per-instance memory would have allowed 4 on each; together they allow 4.
      expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    },
  );
});
