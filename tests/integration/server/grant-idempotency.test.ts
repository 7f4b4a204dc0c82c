import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { postgresUnavailableReason } from './harness';
import { inProcessServer, type InProcessServer } from './in-process';

/**
 * `POST /v1/admin/grants` with an idempotency key (issue 12): a retried
 * request answers the first grant and credits nothing more; the same key
 * with other content is a 409; racing resends (two instances) credit once.
 */
const pgSkipReason = await postgresUnavailableReason();
if (pgSkipReason) console.log(`[grant idempotency] PostgreSQL cases skipped: ${pgSkipReason}`);

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && pgSkipReason !== null)(`grant idempotency on ${kind}`, () => {
    let a: InProcessServer;
    let b: InProcessServer;
    let admin: { token: string };
    beforeAll(async () => {
      a = await inProcessServer(kind);
      b = await inProcessServer(kind, {}, a.clock, a);
      admin = await a.account('admin');
    });
    afterAll(async () => {
      await b?.close();
      await a?.close();
    });

    const grant = (server: InProcessServer, body: object) =>
      server.call('POST', '/v1/admin/grants', { token: admin.token, body });
    const balance = async (token: string) =>
      (await a.call('GET', '/v1/wallet', { token })).body.balanceThousandths as number;
    const grantsOf = async (userId: string) =>
      Number(
        (
          await a.built.ctx.store.db
            .selectFrom('transfers')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('user_id', '=', userId)
            .where('kind', '=', 'grant')
            .executeTakeFirstOrThrow()
        ).n,
      );

    it('answers a resend with the first grant and credits once', async () => {
      const listener = await a.account('listener');
      const key = uuidv7();
      const first = await grant(a, {
        userId: listener.userId,
        amountThousandths: 700,
        note: 'welcome',
        idempotencyKey: key,
      });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ balanceThousandths: 700, duplicate: false });
      await grant(a, { userId: listener.userId, amountThousandths: 50 }); // another grant meanwhile, without a key
      const again = await grant(b, {
        userId: listener.userId,
        amountThousandths: 700,
        note: 'welcome',
        idempotencyKey: key,
      });
      expect(again.status).toBe(201);
      expect(again.body).toEqual({
        transferId: first.body.transferId,
        balanceThousandths: 700,
        duplicate: true,
      });
      expect(await balance(listener.token)).toBe(750);
      expect(await grantsOf(listener.userId)).toBe(2);
    });

    it('refuses the same key with another amount, user or note (409) and credits nothing', async () => {
      const listener = await a.account('listener');
      const other = await a.account('listener');
      const key = `ops-2026-01-15-${uuidv7()}`;
      expect(
        (await grant(a, { userId: listener.userId, amountThousandths: 300, idempotencyKey: key })).status,
      ).toBe(201);
      for (const body of [
        { userId: listener.userId, amountThousandths: 301, idempotencyKey: key },
        { userId: other.userId, amountThousandths: 300, idempotencyKey: key },
        { userId: listener.userId, amountThousandths: 300, note: 'changed', idempotencyKey: key },
      ]) {
        const answer = await grant(a, body);
        expect(answer.status).toBe(409);
        expect(answer.body.error.code).toBe('idempotency_conflict');
      }
      expect(await balance(listener.token)).toBe(300);
      expect(await balance(other.token)).toBe(0);
    });

    it('credits once when resends with one key race on two instances', async () => {
      const listener = await a.account('listener');
      const key = uuidv7();
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          grant(i % 2 ? b : a, { userId: listener.userId, amountThousandths: 1_000, idempotencyKey: key }),
        ),
      );
      expect(answers.map((x) => x.status)).toEqual(Array(8).fill(201));
      expect(new Set(answers.map((x) => x.body.transferId)).size).toBe(1);
      expect(answers.filter((x) => !x.body.duplicate)).toHaveLength(1);
      expect(await balance(listener.token)).toBe(1_000);
      expect(await grantsOf(listener.userId)).toBe(1);
    });

    it('refuses a malformed key with 400', async () => {
      const listener = await a.account('listener');
      for (const idempotencyKey of ['short', 'x'.repeat(129), 'has space in it', 42]) {
        expect(
          (await grant(a, { userId: listener.userId, amountThousandths: 1, idempotencyKey })).status,
        ).toBe(400);
      }
      expect(await balance(listener.token)).toBe(0);
    });
  });
}
