import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { startServer } from '../../src/server/app';
import {
  freshStore,
  postgresUnavailableReason,
  seedCatalog,
  signUp,
  TEST_CONFIG,
  TestDevice,
  type StoreTarget,
} from './server/harness';
import { correctionProblems, type LogLeaf } from '../../src/shared/tlog';
import { checkLogInvariants } from './tlog/log-invariants';

/**
 * Backfill (docs/transparency-log.md "Upgrading a server"): a data folder (or
 * database) used with the log off — plays, a grant, a purchase, a reversed
 * grant settled — opened with the log on: every settled event has exactly one
 * leaf, the leaves are dense from 0, the root of the leaves is the signed
 * checkpoint's, new plays follow; opened again (on PostgreSQL: by two
 * instances at once), nothing is appended twice.
 */
const pgReason = await postgresUnavailableReason();
if (pgReason) console.log(`[tlog backfill] PostgreSQL case skipped: ${pgReason}`);

type Server = Awaited<ReturnType<typeof startServer>>;
const open = (store: StoreTarget, enabled: boolean) =>
  startServer({
    dataDir: store.dataDir,
    databaseUrl: store.databaseUrl,
    port: 0,
    logLevel: 'silent',
    config: { ...TEST_CONFIG, signatureWorkers: 0, transparencyLog: { enabled } },
  });

async function latest(server: Server) {
  const vkey = ((await (await fetch(`${server.url}/v1/log/key`)).json()) as { vkey: string }).vkey;
  const note = await (await fetch(`${server.url}/v1/log/checkpoint`)).text();
  return { vkey, note };
}

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && pgReason !== null)(`log backfill on ${kind}`, () => {
    let store: StoreTarget;
    const servers: Server[] = [];
    beforeAll(async () => {
      store = await freshStore(kind);
    });
    afterAll(async () => {
      for (const s of servers) await s.close().catch(() => {});
      await store?.cleanup();
    });

    it('appends one leaf per event settled with the log off, once, before new plays', async () => {
      const off = await open(store, false);
      servers.push(off);
      const catalog = await seedCatalog(store, off.url, [{ durationMs: 200_000 }, { durationMs: 200_000 }]);
      const [trackA, trackB] = catalog.trackIds as [string, string];
      const listener = await signUp(off.url, `l-${uuidv7()}@example.org`);
      await catalog.admin.post('/v1/admin/grants', { userId: listener.userId, amountThousandths: 10_000 });
      const mistaken = await catalog.admin.post('/v1/admin/grants', {
        userId: listener.userId,
        amountThousandths: 300,
      });
      const reversed = await catalog.admin.post(`/v1/admin/credits/${mistaken.body.transferId}/reverse`, {
        idempotencyKey: uuidv7(),
        reason: 'wrong amount',
      });
      expect(reversed.status).toBe(201);
      expect(reversed.body.corrects).toBeNull();
      const phone = new TestDevice();
      await phone.register(listener);
      const sent = await listener.post('/v1/receipts', {
        deviceId: phone.id,
        receipts: [phone.play(trackA), phone.play(trackA), phone.play(trackB)],
      });
      expect(sent.body.results.map((r: { status: string }) => r.status)).toEqual([
        'settled',
        'settled',
        'settled',
      ]);
      expect((await listener.post(`/v1/tracks/${trackB}/buy`, { requestId: `buy-${uuidv7()}` })).status).toBe(
        200,
      );
      await off.close();

      const on =
        kind === 'postgres'
          ? await Promise.all([open(store, true), open(store, true)])
          : [await open(store, true)];
      servers.push(...on);
      const first = await latest(on[0]!);
      // 3 plays, 1 purchased track, 2 grants, 1 correction.
      expect(first.note.split('\n')[1]).toBe('7');
      expect(await checkLogInvariants(store, first)).toEqual([]);
      const page = (await (await fetch(`${on[0]!.url}/v1/log/leaves?start=0&end=7`)).json()) as {
        leaves: Array<{ leaf: string }>;
      };
      const leaves = page.leaves.map((l) => JSON.parse(l.leaf) as LogLeaf);
      expect(leaves.filter((l) => l.kind === 'correction')).toHaveLength(1);
      expect(correctionProblems(leaves)).toEqual([]);

      // New plays follow the backfilled leaves.
      const more = await listener
        .withBase(on[0]!.url)
        .post('/v1/receipts', { deviceId: phone.id, receipts: [phone.play(trackA)] });
      expect(more.body.results[0].status).toBe('settled');
      for (const s of on) await s.close();
      const again = await open(store, true);
      servers.push(again);
      const second = await latest(again);
      expect(second.note.split('\n')[1]).toBe('8');
      expect(await checkLogInvariants(store, second)).toEqual([]);
    });
  });
}
