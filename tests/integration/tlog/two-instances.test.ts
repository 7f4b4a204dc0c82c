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
    let store: StoreTarget;
    const servers: BuiltServer[] = [];
    afterAll(async () => {
      for (const s of servers) await s.close();
      await store?.cleanup();
    });

    it('concurrent appends from both get dense unique indexes in one order, and both instances sign the root of all leaves', async () => {
      store = await freshStore('postgres');
      servers.push(await logServer(store), await logServer(store));
      const [a, b] = servers as [BuiltServer, BuiltServer];
      const batches = Array.from({ length: 40 }, (_, i) =>
        Array.from({ length: 1 + (i % 4) }, (_, j) => playEvent(i * 10 + j)),
      );
      const starts = await Promise.all(batches.map((events, i) => append(i % 2 ? a : b, events)));
      const total = batches.reduce((n, e) => n + e.length, 0);
      // Each batch got a contiguous run; the runs tile 0..total-1 with no gap or overlap.
      const runs = starts.map((s, i) => [s!, s! + batches[i]!.length] as const).sort((x, y) => x[0] - y[0]);
      let expected = 0;
      for (const [s, e] of runs) {
        expect(s).toBe(expected);
        expected = e;
      }
      expect(expected).toBe(total);
      const leaves: Array<{ index: number; leaf: string; leafHash: string }> = [];
      for (let s = 0; s < total; s += 1000)
        leaves.push(
          ...(await get(a, `/v1/log/leaves?start=${s}&end=${Math.min(total, s + 1000)}`)).json.leaves,
        );
      expect(leaves.map((l) => l.index)).toEqual(Array.from({ length: total }, (_, i) => i));
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
    });
  },
);
