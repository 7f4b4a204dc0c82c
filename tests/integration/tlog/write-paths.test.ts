import { afterEach, describe, expect, it } from 'vitest';
import { inTransaction } from '../../../src/server/db/transaction';
import { appendLogLeaves } from '../../../src/server/tlog/append';
import { withTlog } from '../../../src/server/tlog/schema';
import {
  fromBase64,
  hashLeafText,
  parseNote,
  signCheckpoint,
  parseCheckpoint,
  verifyCheckpoint,
} from '../../../src/shared/tlog';
import type { BuiltServer } from '../../../src/server/app';
import { freshStore, postgresUnavailableReason } from '../server/harness';
import { append, logServer, playEvent } from './helpers';

/**
 * The log's fast write paths (prepared SQLite statement on the transaction's
 * connection, PostgreSQL array parameters, node:crypto checkpoint signing)
 * keep the log's guarantees: leaves roll back with their settlement, indexes
 * are dense and in order, the stored bytes hash to the stored leaf hash, and
 * a checkpoint is the exact note the shared signer makes.
 */
const pgReason = await postgresUnavailableReason();
if (pgReason) console.log(`[tlog write paths] PostgreSQL cases skipped: ${pgReason}`);
const cases = [
  { kind: 'sqlite', sequencing: null },
  { kind: 'sqlite', sequencing: 'deferred' },
  { kind: 'postgres', sequencing: null },
  { kind: 'postgres', sequencing: 'inline' },
] as const;

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function open(kind: 'sqlite' | 'postgres', sequencing: 'inline' | 'deferred' | null) {
  const store = await freshStore(kind);
  const server = await logServer(store, { transparencyLog: { sequencing } });
  cleanups.push(async () => {
    await server.close();
    await store.cleanup();
  });
  return server;
}

async function storedLeaves(server: BuiltServer) {
  return withTlog(server.ctx.store.db)
    .selectFrom('tlog_leaves')
    .select(['idx', 'leaf', 'leaf_hash', 'receipt_id'])
    .orderBy('idx')
    .execute();
}

describe.each(cases.filter((c) => c.kind === 'sqlite' || !pgReason))(
  'transparency log write path on $kind (sequencing $sequencing)',
  ({ kind, sequencing }) => {
    it('stores each leaf once, densely numbered in order, with its receipt and its hash; a rolled-back settlement leaves none', async () => {
      const server = await open(kind, sequencing);
      const first = Array.from({ length: 120 }, (_, i) => playEvent(i));
      await append(server, first);
      // A settlement that fails after appending: its leaves go with it.
      await expect(
        inTransaction(server.ctx.store, async (tx) => {
          await appendLogLeaves(server.ctx, tx, [playEvent(500), playEvent(501)]);
          throw new Error('settlement failed');
        }),
      ).rejects.toThrow('settlement failed');
      const second = Array.from({ length: 3 }, (_, i) => playEvent(200 + i));
      await append(server, second);
      expect(await server.tlog.catchUp()).toBe(123);

      const rows = await storedLeaves(server);
      expect(rows.map((r) => Number(r.idx))).toEqual(Array.from({ length: 123 }, (_, i) => i));
      const events = [...first, ...second];
      expect(rows.map((r) => r.receipt_id)).toEqual(
        events.map((e) => (e as { receiptId: string }).receiptId),
      );
      for (const r of rows) expect(Buffer.from(r.leaf_hash)).toEqual(Buffer.from(hashLeafText(r.leaf)));
      expect(rows.map((r) => JSON.parse(r.leaf).seq)).toEqual(events.map((e) => (e as { seq: number }).seq));
      if (kind === 'postgres' || sequencing === 'deferred') {
        const pending = await withTlog(server.ctx.store.db).selectFrom('tlog_pending').select('id').execute();
        expect(pending).toEqual([]);
      }
    });
  },
);

describe('checkpoint signing', () => {
  it('signs exactly the note the shared signer makes with the log key, which verifies', async () => {
    const server = await open('sqlite', null);
    await append(server, [playEvent(1), playEvent(2), playEvent(3)]);
    const { size, note } = await server.tlog.latestCheckpoint();
    expect(size).toBe(3);
    const seed = await server.ctx.store.db
      .selectFrom('server_secrets')
      .select('value')
      .where('name', '=', 'tlog_signing_key')
      .executeTakeFirstOrThrow();
    const info = await server.tlog.keyInfo();
    const checkpoint = parseCheckpoint(parseNote(note).body);
    expect(note).toBe(
      signCheckpoint(
        { origin: info.origin, size, root: checkpoint.root },
        info.origin,
        new Uint8Array(Buffer.from(seed.value, 'base64url')),
      ),
    );
    expect(verifyCheckpoint(note, info.vkey).ok).toBe(true);
    expect(fromBase64(info.publicKey)).toHaveLength(32);
  });
});
