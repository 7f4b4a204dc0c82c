import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { BuiltServer } from '../../../src/server/app';
import { afterCommit, inTransaction, RetryableConflict } from '../../../src/server/db/transaction';
import { appendLogLeaves } from '../../../src/server/tlog/append';
import { TransparencyLog } from '../../../src/server/tlog/log';
import { freshStore, type StoreTarget } from '../server/harness';
import { append, logServer, playEvent } from './helpers';

/**
 * The tree takes the leaves this process committed from their announcement
 * (committed-leaves.ts) instead of reading them back; what it signs must be
 * the same as a tree read wholly from the store, and a rolled-back append
 * must never reach it.
 */
const servers: BuiltServer[] = [];
const stores: StoreTarget[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
  for (const s of stores) await s.cleanup();
});

async function sqliteServer(): Promise<BuiltServer> {
  const store = await freshStore('sqlite');
  stores.push(store);
  const server = await logServer(store, { transparencyLog: { checkpointIntervalMs: 3_600_000 } });
  servers.push(server);
  return server;
}

describe('after-commit hooks', () => {
  it('run once the transaction committed, never for a rolled-back attempt', async () => {
    const server = await sqliteServer();
    const ran: string[] = [];
    let attempt = 0;
    await inTransaction(server.ctx.store, async (tx) => {
      attempt++;
      afterCommit(tx, () => ran.push(`attempt ${attempt}`));
      await sql`SELECT 1`.execute(tx);
      expect(ran).toEqual([]); // not before the commit
      if (attempt === 1) throw new RetryableConflict('first attempt loses');
    });
    expect(ran).toEqual(['attempt 2']);
    await expect(
      inTransaction(server.ctx.store, async (tx) => {
        afterCommit(tx, () => ran.push('rolled back'));
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(ran).toEqual(['attempt 2']);
  });

  it('a failing hook does not turn a commit into an error', async () => {
    const server = await sqliteServer();
    const answer = await inTransaction(server.ctx.store, async (tx) => {
      afterCommit(tx, () => {
        throw new Error('hook broke');
      });
      return 'committed';
    });
    expect(answer).toBe('committed');
  });
});

describe('the tree from announced leaves', () => {
  it('signs the same root as a tree read from the store, and leaves out a rolled-back append', async () => {
    const server = await sqliteServer();
    for (let b = 0; b < 5; b++)
      await append(
        server,
        [0, 1, 2].map((i) => playEvent(b * 3 + i)),
      );
    // Appended, then rolled back: its indexes are given again to the next append.
    await expect(
      inTransaction(server.ctx.store, async (tx) => {
        await appendLogLeaves(server.ctx, tx, [playEvent(100), playEvent(101)]);
        throw new Error('settlement failed after its leaves');
      }),
    ).rejects.toThrow('settlement failed');
    await append(server, [playEvent(200)]);
    const signed = await server.tlog.latestCheckpoint();
    expect(signed.size).toBe(16);

    const fromStore = new TransparencyLog(server.ctx);
    try {
      // Same leaf hashes and same proofs at every index: the same tree (and each proof checks its leaf row).
      expect(await fromStore.catchUp()).toBe(16);
      for (let i = 0; i < 16; i++)
        expect(await fromStore.inclusionProof(i, 16)).toEqual(await server.tlog.inclusionProof(i, 16));
      expect(JSON.parse((await fromStore.inclusionProof(15, 16)).leaf).seq).toBe(201);
    } finally {
      await fromStore.stop();
    }
  });
});
