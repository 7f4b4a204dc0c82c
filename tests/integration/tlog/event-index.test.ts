import { createHash } from 'node:crypto';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { createUser } from '../../../src/server/accounts/users';
import { resolveConfig } from '../../../src/server/config';
import type { ServerContext } from '../../../src/server/context';
import type { Store } from '../../../src/server/db/connect';
import { migrationsFor } from '../../../src/server/db/migrations';
import type { Database } from '../../../src/server/db/schema';
import { inTransaction, lockWallet } from '../../../src/server/db/transaction';
import { appendTransfers, grantReversalPostings, topUpPostings } from '../../../src/server/ledger/postings';
import { appendLogLeaves } from '../../../src/server/tlog/append';
import type { EventIndexTables } from '../../../src/server/tlog/event-index';
import { parseLeaf } from '../../../src/shared/tlog';
import { freshStore, postgresUnavailableReason, TEST_CONFIG, type StoreTarget } from '../server/harness';
import { inProcessServer, TestClock, type InProcessServer } from '../server/in-process';
import { checkInvariants, openStoreReader } from '../server/ledger-invariants';
import { checkLogInvariants } from './log-invariants';

/**
 * Migration 0013_tlog_event_index (issue 14): a grant reversal finds its
 * grant's leaf through an index of credit leaves by event hash, not by
 * searching the log; the reversing transfer is of kind `grant_reversal`, not
 * `grant`. A store from before 0013 — grants, a reversal recorded as a grant,
 * their leaves — comes out of the migration with both: its old grants are
 * reversible, its old reversal is reported as one, and the ledger and log
 * invariants hold.
 */
const pgReason = await postgresUnavailableReason();
if (pgReason) console.log(`[tlog event index] PostgreSQL case skipped: ${pgReason}`);

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');
const PASSWORD = 'correct horse battery';

/** A Kysely on the store target, at migration 0012 (before the index and the reversal kind). */
async function storeAt0012(target: StoreTarget): Promise<Store> {
  const db = target.databaseUrl
    ? new Kysely<Database>({
        dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: target.databaseUrl }) }),
      })
    : new Kysely<Database>({
        dialect: new SqliteDialect({
          database: new BetterSqlite3(join(target.dataDir, 'resonate-server.sqlite')),
        }),
      });
  const migrations = migrationsFor(target.name);
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  expect((await migrator.migrateTo('0012_tlog_pending_receipt_index')).error).toBeUndefined();
  return { db, kind: target.name, close: () => db.destroy() };
}

/**
 * What a server before 0013 left: a listener with grants A and B, B reversed
 * (transfer `reversal:<B>` of kind grant), and the three leaves (A, B, the
 * correction naming B's leaf), written by the log's own append, inline.
 */
async function seedBefore0013(target: StoreTarget, clock: TestClock) {
  const store = await storeAt0012(target);
  // What createUser and the log's append read of a context (a server's needs more than this).
  const ctx = {
    store,
    clock,
    config: resolveConfig({ ...TEST_CONFIG, transparencyLog: { sequencing: 'inline' } }),
  } as unknown as ServerContext;
  const listener = await createUser(ctx, {
    email: `l-${uuidv7()}@example.org`,
    password: PASSWORD,
    role: 'listener',
  });
  const [grantA, grantB] = [`grant:${uuidv7()}`, `grant:${uuidv7()}`];
  const now = clock.nowMs();
  await inTransaction(store, async (tx) => {
    const wallet = await lockWallet(store, tx, listener.id);
    const transfer = (id: string, postings: ReturnType<typeof topUpPostings>) => ({
      id,
      kind: 'grant' as const,
      user_id: listener.id,
      receipt_id: null,
      request_id: null,
      note: null,
      created_at: now,
      postings,
    });
    await appendTransfers(tx, [
      transfer(grantA, topUpPostings(listener.id, 400)),
      transfer(grantB, topUpPostings(listener.id, 250)),
      transfer(`reversal:${grantB}`, grantReversalPostings(listener.id, 250)),
    ]);
    await tx
      .updateTable('wallets')
      .set({ balance: 400, version: wallet.version + 1 })
      .where('user_id', '=', listener.id)
      .execute();
    await tx
      .withTables<{ grant_reversals: Record<string, unknown> }>()
      .insertInto('grant_reversals')
      .values({
        grant_transfer_id: grantB,
        reversal_transfer_id: `reversal:${grantB}`,
        idempotency_key: uuidv7(),
        content_hash: 'x',
        user_id: listener.id,
        amount: 250,
        reason: 'before 0013',
        balance_after: 400,
        corrects: 1,
        created_by: listener.id,
        created_at: now,
      })
      .execute();
    const credit = (transferId: string, amount: number) =>
      ({ kind: 'grant', userId: listener.id, transferId, time: now, credit: amount }) as const;
    const userId = listener.id;
    const correction = {
      kind: 'correction',
      userId,
      transferId: `reversal:${grantB}`,
      time: now,
      taken: 250,
      corrects: 1,
    } as const;
    expect(await appendLogLeaves(ctx, tx, [credit(grantA, 400), credit(grantB, 250), correction])).toBe(0);
  });
  await store.close();
  return { listener, grantA, grantB };
}

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && pgReason !== null)(`migration 0013 on ${kind}`, () => {
    let target: StoreTarget;
    let server: InProcessServer;
    let seeded: Awaited<ReturnType<typeof seedBefore0013>>;
    beforeAll(async () => {
      target = await freshStore(kind);
      const clock = new TestClock();
      seeded = await seedBefore0013(target, clock);
      // The server on the seeded store (sameStoreAs: it takes this store, and leaves its cleanup to us).
      server = await inProcessServer(kind, {}, clock, { store: target } as InProcessServer);
    });
    afterAll(async () => {
      await server?.close();
      await target?.cleanup();
    });

    it('indexes the credit leaves already in the log, and a grant made before it is reversed naming its leaf', async () => {
      const { query, done } = await openStoreReader(target);
      try {
        const rows = await query('SELECT event_hash, idx FROM tlog_events ORDER BY idx');
        expect(rows).toEqual([
          { event_hash: sha256Hex(seeded.grantA), idx: 0 },
          { event_hash: sha256Hex(seeded.grantB), idx: 1 },
          { event_hash: sha256Hex(`correction\nreversal:${seeded.grantB}`), idx: 2 },
        ]);
      } finally {
        await done();
      }
      const admin = await server.account('admin');
      const reversed = await server.call(
        'POST',
        `/v1/admin/credits/${encodeURIComponent(seeded.grantA)}/reverse`,
        {
          token: admin.token,
          body: { idempotencyKey: uuidv7(), reason: 'made before the index' },
        },
      );
      expect(reversed.status).toBe(201);
      expect(reversed.body).toMatchObject({ corrects: 0, reversedThousandths: 400, balanceThousandths: 0 });
      await server.built.tlog.catchUp();
      const leaves = await server.call('GET', '/v1/log/leaves?start=0&end=4');
      const last = parseLeaf(leaves.body.leaves[3].leaf);
      expect(last.ok && last.leaf).toMatchObject({ kind: 'correction', corrects: 0, credit: -400 });
      expect(await checkInvariants(target)).toEqual([]);
      expect(await checkLogInvariants(target)).toEqual([]);
    });

    it('reports reversals, the one from before the migration and a new one, as reversals in the ledger', async () => {
      const signedIn = await server.call('POST', '/v1/auth/sign-in', {
        body: { email: seeded.listener.email, password: PASSWORD },
      });
      const ledger = await server.call('GET', '/v1/ledger', { token: signedIn.body.token });
      expect(ledger.status).toBe(200);
      const kinds = Object.fromEntries(
        ledger.body.entries.map((e: { transferId: string; kind: string }) => [e.transferId, e.kind]),
      );
      expect(kinds).toEqual({
        [seeded.grantA]: 'grant',
        [seeded.grantB]: 'grant',
        [`reversal:${seeded.grantB}`]: 'grant_reversal',
        [`reversal:${seeded.grantA}`]: 'grant_reversal',
      });
    });

    it('keeps transfers append-only, and refuses a reversal written as a grant (an instance on the old version)', async () => {
      const db = server.built.ctx.store.db;
      await expect(
        db.updateTable('transfers').set({ note: 'x' }).where('id', '=', seeded.grantA).execute(),
      ).rejects.toThrow(/append-only/);
      const row = (id: string, kind: 'grant' | 'grant_reversal') => ({
        id,
        kind,
        user_id: seeded.listener.id,
        receipt_id: null,
        request_id: null,
        note: null,
        created_at: 0,
      });
      await expect(
        db
          .insertInto('transfers')
          .values(row(`reversal:grant:${uuidv7()}`, 'grant'))
          .execute(),
      ).rejects.toThrow(/CHECK|check constraint/);
      await expect(
        db
          .insertInto('transfers')
          .values(row(`grant:${uuidv7()}`, 'grant_reversal'))
          .execute(),
      ).rejects.toThrow(/CHECK|check constraint/);
    });
  });
}

/** The leaf indexes recorded for this transfer's credit event. */
async function indexed(server: InProcessServer, transferId: string): Promise<number[]> {
  const rows = await server.built.ctx.store.db
    .withTables<EventIndexTables>()
    .selectFrom('tlog_events')
    .select('idx')
    .where('event_hash', '=', sha256Hex(transferId))
    .execute();
  return rows.map((r) => Number(r.idx));
}

/**
 * An instance still on the previous version (a rolling upgrade) writes a grant's
 * leaf without an index row, to the sequencer's queue: while it waits, a
 * reversal is told to retry; once numbered, the reversal finds it and records
 * it in the index.
 */
for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && pgReason !== null)(`an unindexed grant leaf on ${kind}`, () => {
    let server: InProcessServer;
    beforeAll(async () => {
      server = await inProcessServer(kind, { transparencyLog: { sequencing: 'deferred' } });
    });
    afterAll(async () => server?.close());

    it('is reversed once the sequencer has numbered it, and then indexed', async () => {
      const admin = await server.account('admin');
      const listener = await server.account('listener');
      const { ctx } = server.built;
      const grantId = `grant:${uuidv7()}`;
      await inTransaction(ctx.store, async (tx) => {
        await appendTransfers(tx, [
          {
            id: grantId,
            kind: 'grant',
            user_id: listener.userId,
            receipt_id: null,
            request_id: null,
            note: null,
            created_at: server.clock.now,
            postings: topUpPostings(listener.userId, 120),
          },
        ]);
        await tx
          .updateTable('wallets')
          .set({ balance: 120 })
          .where('user_id', '=', listener.userId)
          .execute();
        const event = {
          kind: 'grant',
          userId: listener.userId,
          transferId: grantId,
          time: server.clock.now,
          credit: 120,
        } as const;
        expect(await appendLogLeaves(ctx, tx, [event])).toBeNull(); // deferred: queued
      });
      const reverse = () =>
        server.call('POST', `/v1/admin/credits/${encodeURIComponent(grantId)}/reverse`, {
          token: admin.token,
          body: { idempotencyKey: uuidv7(), reason: 'old instance' },
        });
      const waiting = await reverse();
      expect(waiting.status).toBe(503);
      expect(waiting.body.error.code).toBe('grant_leaf_pending');
      await server.built.tlog.catchUp();
      expect(await indexed(server, grantId)).toEqual([]);
      const done = await reverse();
      expect(done.status).toBe(201);
      const leaf = await server.call('GET', `/v1/log/proof/inclusion?index=${done.body.corrects}`);
      const parsed = parseLeaf(leaf.body.leaf);
      expect(parsed.ok && parsed.leaf).toMatchObject({
        kind: 'grant',
        credit: 120,
        event: sha256Hex(grantId),
      });
      expect(await indexed(server, grantId)).toEqual([done.body.corrects]);
    });
  });
}
