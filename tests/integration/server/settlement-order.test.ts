import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { startServer } from '../../../src/server/app';
import { verifyEarningsReport } from '../../../src/node/report-verifier';
import type { EarningsReport } from '../../../src/shared/earnings-report';
import {
  freshStore,
  postgresUnavailableReason,
  seedCatalog,
  signUp,
  TEST_CONFIG,
  TestDevice,
  type StoreTarget,
} from './harness';

/**
 * The earnings report's settlement order does not depend on the server's
 * clock: two batches of one listener settled in the same millisecond (the
 * server clock frozen), the second carrying a receipt counted *before* the
 * first batch's, are replayed in the order the server decided them (the
 * per-listener settlement sequence), so the report verifies; ordering by
 * time and counted-at would have swapped them. A report whose sequence
 * numbers are swapped is caught.
 */
const pgSkipReason = await postgresUnavailableReason();

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && pgSkipReason !== null)(
    `settlement order in the earnings report on ${kind}`,
    () => {
      let store: StoreTarget;
      let server: Awaited<ReturnType<typeof startServer>>;
      let frozenAt: number | null = null;
      const clock = { nowMs: () => frozenAt ?? Date.now() };

      beforeAll(async () => {
        store = await freshStore(kind);
        server = await startServer({
          dataDir: store.dataDir,
          databaseUrl: store.databaseUrl,
          port: 0,
          logLevel: 'silent',
          clock,
          config: { ...TEST_CONFIG, signatureWorkers: 0 },
        });
      });
      afterAll(async () => {
        await server?.close();
        await store?.cleanup();
      });

      it("numbers a listener's settlements under the wallet lock; the report verifies with the clock frozen and a tampered order is caught", async () => {
        const catalog = await seedCatalog(store, server.url, [{ durationMs: 200_000 }]);
        const [trackId] = catalog.trackIds as [string];
        const listener = await signUp(server.url, `l-${uuidv7()}@example.org`);
        await catalog.admin.post('/v1/admin/grants', { userId: listener.userId, amountThousandths: 10_000 });
        const phone = new TestDevice();
        const laptop = new TestDevice();
        await phone.register(listener);
        await laptop.register(listener);

        const start = Date.now();
        frozenAt = start; // every settlement below reads the same millisecond
        const send = async (device: TestDevice, receipts: ReturnType<TestDevice['play']>[]) => {
          const answer = await listener.post('/v1/receipts', { deviceId: device.id, receipts });
          expect(answer.body.results.every((r: { status: string }) => r.status === 'settled')).toBe(true);
          return answer.body.results as Array<{ playIndex: number; priceThousandths: number }>;
        };
        // The phone's play (counted 10 s ago) is settled first: index 1. The laptop's play,
        // counted earlier (60 s ago) but arriving later, takes the next index: 2.
        expect(await send(phone, [phone.play(trackId, {}, start - 10_000)])).toMatchObject([
          { playIndex: 1, priceThousandths: 2 },
        ]);
        expect(await send(laptop, [laptop.play(trackId, {}, start - 60_000)])).toMatchObject([
          { playIndex: 2, priceThousandths: 4 },
        ]);
        expect(
          (await listener.post(`/v1/tracks/${trackId}/buy`, { requestId: 'order-buy-0001' })).status,
        ).toBe(200);
        frozenAt = null;

        const answer = await catalog.admin.get(
          `/v1/artists/${catalog.artistId}/earnings/report?from=0&to=${start + 1}`,
        );
        expect(answer.status).toBe(200);
        const report = answer.body as EarningsReport;
        // 3: bound to the transparency log (the server's log is on by default; issue 14.5).
        expect(report.version).toBe(3);
        expect(report.plays.map((p) => [p.settledAt, p.playIndex, p.settlementSeq])).toEqual([
          [new Date(start).toISOString(), 1, 1],
          [new Date(start).toISOString(), 2, 2],
        ]);
        expect(report.purchases).toEqual([
          expect.objectContaining({
            settledAt: new Date(start).toISOString(),
            settlementSeq: 3,
            priceThousandths: 1016,
          }),
        ]);
        const verified = verifyEarningsReport(report);
        expect(verified.mismatches).toEqual([]);
        expect(verified.ok).toBe(true);

        // Swap the two plays' sequence numbers: the replay now gives the laptop's play index 1.
        const tampered = structuredClone(report);
        tampered.plays[0]!.settlementSeq = 2;
        tampered.plays[1]!.settlementSeq = 1;
        const caught = verifyEarningsReport(tampered);
        expect(caught.ok).toBe(false);
        expect(caught.mismatches.map((m) => m.kind)).toEqual(expect.arrayContaining(['play_index']));
        // Two settlements under one number are flagged too.
        const doubled = structuredClone(report);
        doubled.plays[1]!.settlementSeq = 1;
        expect(verifyEarningsReport(doubled).mismatches.map((m) => m.kind)).toContain(
          'duplicate_settlement_seq',
        );

        // What the server's order fix is about: by time and counted-at (version 1's order) the same plays do not verify.
        const asVersion1 = structuredClone(report) as unknown as {
          version: number;
          log?: unknown;
          plays: Array<{ settlementSeq?: number; leafIndex?: number }>;
          purchases: Array<{ settlementSeq?: number }>;
        };
        asVersion1.version = 1;
        delete asVersion1.log; // version 3's binding to the transparency log is not part of version 1
        for (const item of asVersion1.plays) delete item.leafIndex;
        for (const item of [...asVersion1.plays, ...asVersion1.purchases]) delete item.settlementSeq;
        const old = verifyEarningsReport(asVersion1);
        expect(old.ok).toBe(false);
        expect(old.mismatches.map((m) => m.kind)).toContain('play_index');
      });
    },
  );
}
