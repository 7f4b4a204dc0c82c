import argon2 from 'argon2';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { FREE_FAILURES, MAX_DELAY_MS, lockDelayMs } from '../../../src/server/accounts/lockout';
import { postgresUnavailableReason } from './harness';
import { inProcessServer, type InProcessServer } from './in-process';

/**
 * Sign-in hardening (issue 12): a per-account back-off kept in the database
 * (so every instance shares it) on top of the per-address limit, and the
 * same argon2 work for a known and an unknown e-mail. Time is the server's
 * injected clock, stepped by the test: no sleeps.
 */
const pgSkipReason = await postgresUnavailableReason();
if (pgSkipReason) console.log(`[sign-in lockout] PostgreSQL cases skipped: ${pgSkipReason}`);

const PASSWORD = 'correct horse battery';
const ADDRESSES = ['198.51.100.1', '198.51.100.2', '198.51.100.3', '198.51.100.4'];

describe('the back-off schedule', () => {
  it('is free for the first failures, then doubles from 1 s and stops at 15 minutes', () => {
    expect(Array.from({ length: FREE_FAILURES - 1 }, (_, i) => lockDelayMs(i + 1))).toEqual([0, 0, 0, 0]);
    expect([5, 6, 7, 8, 14, 15, 16, 40, 1e6].map(lockDelayMs)).toEqual([
      1_000, 2_000, 4_000, 8_000, 512_000, 900_000, 900_000, 900_000, 900_000,
    ]);
    expect(MAX_DELAY_MS).toBe(15 * 60_000);
  });
});

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && pgSkipReason !== null)(
    `per-account sign-in back-off on ${kind}`,
    () => {
      let a: InProcessServer;
      let b: InProcessServer;
      beforeAll(async () => {
        // The per-address limit as in production (20 a minute): it alone let 48 guesses in from 4 addresses.
        a = await inProcessServer(kind, { authRateLimitPerMinute: 20 });
        // A second instance on the same database, with the same clock.
        b = await inProcessServer(kind, { authRateLimitPerMinute: 20 }, a.clock, a);
      });
      afterAll(async () => {
        await b?.close();
        await a?.close();
      });
      // Each test in a fresh minute of the per-address limit, so only the per-account limit speaks.
      beforeEach(() => a.clock.advance(60_000));
      afterEach(() => {
        vi.restoreAllMocks();
      });

      const attempt = (email: string, password: string, i: number) =>
        (i % 2 ? b : a).call('POST', '/v1/auth/sign-in', {
          body: { email, password },
          remoteAddress: ADDRESSES[i % ADDRESSES.length],
        });

      it('answers 429 with Retry-After after 5 failures of one account from 4 addresses on 2 instances; only 5 of 48 guesses are checked', async () => {
        const { email } = await a.account('listener', PASSWORD);
        const verify = vi.spyOn(argon2, 'verify');
        const statuses: number[] = [];
        let last;
        for (let i = 0; i < 48; i++) {
          last = await attempt(email, `wrong guess ${i}`, i);
          statuses.push(last.status);
        }
        expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
        expect(new Set(statuses.slice(5))).toEqual(new Set([429]));
        expect(last!.body.error.code).toBe('account_locked');
        expect(last!.headers['retry-after']).toBe('1');
        // A guess the lock refused costs no argon2 work and does not lengthen the lock.
        expect(verify).toHaveBeenCalledTimes(5);
        // The right password is refused while locked too (else the lock would not stop guessing).
        expect((await attempt(email, PASSWORD, 0)).status).toBe(429);
      });

      it('doubles the delay up to 15 minutes, never longer, and a success starts the count over', async () => {
        const { email } = await a.account('listener', PASSWORD);
        for (let i = 0; i < FREE_FAILURES; i++) expect((await attempt(email, 'wrong', i)).status).toBe(401);
        const retryAfters: string[] = [];
        for (let failure = FREE_FAILURES + 1; failure <= 18; failure++) {
          const locked = await attempt(email, 'wrong', failure);
          expect(locked.status).toBe(429);
          retryAfters.push(String(locked.headers['retry-after']));
          a.clock.advance(Number(locked.headers['retry-after']) * 1000);
          expect((await attempt(email, 'wrong', failure + 1)).status).toBe(401);
        }
        expect(retryAfters).toEqual([
          '1',
          '2',
          '4',
          '8',
          '16',
          '32',
          '64',
          '128',
          '256',
          '512',
          '900',
          '900',
          '900',
        ]);
        a.clock.advance(MAX_DELAY_MS);
        // The owner gets in once the lock is over, and that resets the count.
        expect((await attempt(email, PASSWORD, 1)).status).toBe(200);
        for (let i = 0; i < FREE_FAILURES; i++) expect((await attempt(email, 'wrong', i)).status).toBe(401);
        expect((await attempt(email, 'wrong', 0)).status).toBe(429);
      });

      it('treats an unknown e-mail like a known one: the same 401s, then the same lock', async () => {
        const email = `nobody-${uuidv7()}@example.org`;
        const statuses = [];
        for (let i = 0; i < 7; i++) statuses.push((await attempt(email, 'wrong', i)).status);
        expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
      });

      it('runs one argon2 verification with the same cost for an unknown e-mail as for a known one', async () => {
        const { email } = await a.account('listener', PASSWORD);
        const verify = vi.spyOn(argon2, 'verify');
        expect((await attempt(email, 'wrong password', 0)).status).toBe(401);
        expect((await attempt(`nobody-${uuidv7()}@example.org`, 'wrong password', 0)).status).toBe(401);
        expect(verify).toHaveBeenCalledTimes(2);
        // The dummy hash carries the same argon2 parameters as a stored one.
        const parameters = (hash: unknown) => String(hash).split('$').slice(1, 4).join('$');
        expect(parameters(verify.mock.calls[1]![0])).toBe(parameters(verify.mock.calls[0]![0]));
        expect(parameters(verify.mock.calls[0]![0])).toMatch(/^argon2id\$v=19\$m=\d+,/);
      });

      it('hashes the password once on sign-up whether the e-mail is new or taken', async () => {
        const email = `new-${uuidv7()}@example.org`;
        const hash = vi.spyOn(argon2, 'hash');
        expect(
          (await a.call('POST', '/v1/auth/sign-up', { body: { email, password: PASSWORD } })).status,
        ).toBe(201);
        expect(
          (await a.call('POST', '/v1/auth/sign-up', { body: { email, password: PASSWORD } })).status,
        ).toBe(409);
        expect(hash).toHaveBeenCalledTimes(2);
      });
    },
  );
}
