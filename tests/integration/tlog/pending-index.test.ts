import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { freshStore, postgresUnavailableReason, type StoreTarget } from '../server/harness';
import type { BuiltServer } from '../../../src/server/app';
import { append, logServer, playEvent } from './helpers';

const pgReason = await postgresUnavailableReason();
if (pgReason) console.log(`[tlog] PostgreSQL pending-index case skipped: ${pgReason}`);

/**
 * Migration 0012: the sequencer's queue (tlog_pending, PostgreSQL) keeps no
 * unique receipt index of its own; one leaf per receipt is still enforced
 * when the sequencer numbers a leaf (tlog_leaves_receipt).
 */
describe.skipIf(pgReason !== null)('transparency log queue on PostgreSQL', () => {
  let store: StoreTarget;
  let server: BuiltServer;
  afterAll(async () => {
    await server?.close();
    await store?.cleanup();
  });

  it('has no receipt index on tlog_pending, and a receipt queued twice never gets two leaves', async () => {
    store = await freshStore('postgres');
    server = await logServer(store);
    const db = server.ctx.store.db;
    const indexes = await sql<{
      indexname: string;
    }>`SELECT indexname FROM pg_indexes WHERE tablename = 'tlog_pending' ORDER BY indexname`.execute(db);
    expect(indexes.rows.map((r) => r.indexname)).toEqual(['tlog_pending_pkey']);

    await append(server, [playEvent(0, { receiptId: 'r-twice' })]);
    expect(await server.tlog.catchUp()).toBe(1);
    // A broken writer queueing the same receipt again: the sequencer refuses to number it.
    await append(server, [playEvent(0, { receiptId: 'r-twice' })]);
    await expect(server.tlog.catchUp()).rejects.toThrow(/tlog_leaves_receipt|unique/i);
    const leaves = await sql<{
      n: string;
    }>`SELECT COUNT(*) AS n FROM tlog_leaves WHERE receipt_id = 'r-twice'`.execute(db);
    expect(Number(leaves.rows[0]!.n)).toBe(1);
  });
});
