import { afterAll, describe, expect, it } from 'vitest';
import { fromBase64, hashLeafText, rootOfLeafHashes, verifyCheckpoint } from '../../../src/shared/tlog';
import type { BuiltServer } from '../../../src/server/app';
import { freshStore, postgresUnavailableReason, type StoreTarget } from '../server/harness';
import { append, get, logServer, playEvent } from './helpers';

const pgReason = await postgresUnavailableReason();
if (pgReason) console.log(`[tlog two instances] skipped: ${pgReason}`);

describe.skipIf(pgReason !== null)(
  'transparency log: two server instances on one PostgreSQL database',
  () => {
    const stores: StoreTarget[] = [];
    const servers: BuiltServer[] = [];
    afterAll(async () => {
      for (const s of servers) await s.close();
      for (const s of stores) await s.cleanup();
    });

    it.each(['inline', 'deferred'] as const)(
      'concurrent appends from both get dense unique indexes in one order, and both instances sign the root of all leaves (%s sequencing)',
      async (sequencing) => {
        const store = await freshStore('postgres');
        stores.push(store);
        const a = await logServer(store, { transparencyLog: { sequencing } });
        const b = await logServer(store, { transparencyLog: { sequencing } });
        servers.push(a, b);
        const batches = Array.from({ length: 40 }, (_, i) =>
          Array.from({ length: 1 + (i % 4) }, (_, j) => playEvent(i * 10 + j)),
        );
        await Promise.all(batches.map((events, i) => append(i % 2 ? a : b, events)));
        const total = batches.reduce((n, e) => n + e.length, 0);
        // Both instances number what is committed (deferred sequencing) at once, racing each other.
        await Promise.all([a.tlog.catchUp(), b.tlog.catchUp(), a.tlog.catchUp()]);
        const leaves: Array<{ index: number; leaf: string; leafHash: string }> = [];
        for (let s = 0; s < total; s += 1000)
          leaves.push(
            ...(await get(a, `/v1/log/leaves?start=${s}&end=${Math.min(total, s + 1000)}`)).json.leaves,
          );
        expect(leaves.map((l) => l.index)).toEqual(Array.from({ length: total }, (_, i) => i));
        // Every event exactly once.
        const events = leaves.map((l) => JSON.parse(l.leaf).event as string).sort();
        expect(events).toEqual(
          batches
            .flat()
            .map((e) => (e as { contentHash: string }).contentHash)
            .sort(),
        );
        const root = rootOfLeafHashes(leaves.map((l) => hashLeafText(l.leaf)));
        for (const server of [a, b]) {
          const vkey = (await get(server, '/v1/log/key')).json.vkey;
          const verdict = verifyCheckpoint((await get(server, '/v1/log/checkpoint')).text, vkey);
          expect(verdict.ok && verdict.checkpoint.size).toBe(total);
          expect(verdict.ok && verdict.checkpoint.root).toEqual(root);
        }
        // The same key on both: one log, not two.
        expect((await get(a, '/v1/log/key')).json.vkey).toBe((await get(b, '/v1/log/key')).json.vkey);
        expect(fromBase64(leaves[0]!.leafHash)).toEqual(hashLeafText(leaves[0]!.leaf));
      },
    );
  },
);
