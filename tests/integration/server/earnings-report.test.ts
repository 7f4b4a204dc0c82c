import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { earningsReportSchema, type EarningsReport } from '../../../src/shared/earnings-report';
import { verifyEarningsReport, verifyEarningsReportChain } from '../../../src/node/report-verifier';
import {
  freshStore,
  postgresUnavailableReason,
  seedCatalog,
  signUp,
  spawnServer,
  tempDir,
  TestDevice,
  type ServerProcess,
  type StoreTarget,
} from './harness';

/**
 * The earnings report export against a real server: plays settled over
 * HTTP, the report downloaded by the artist's rightsholder, and checked by
 * the artists' verifier (src/node/report-verifier.ts and the CLI
 * `verify-report`) that trusts nothing but the devices' signatures.
 */
const ROOT = resolve(import.meta.dirname, '../../..');
const pgSkipReason = await postgresUnavailableReason();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function verifyWithCli(report: unknown): Promise<{ code: number; answer: any }> {
  const file = join(tempDir('resonate-report-'), 'report.json');
  writeFileSync(file, JSON.stringify(report));
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'src/cli/index.ts'), 'verify-report', file, '--json'],
      { cwd: ROOT },
    );
    return { code: 0, answer: JSON.parse(stdout) };
  } catch (error) {
    const e = error as { code: number; stdout: string };
    return { code: e.code, answer: JSON.parse(e.stdout) };
  }
}

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && pgSkipReason !== null)(`earnings report export on ${kind}`, () => {
    let store: StoreTarget;
    let server: ServerProcess;
    let catalog: Awaited<ReturnType<typeof seedCatalog>>;
    let holder: Awaited<ReturnType<typeof signUp>>;
    let listenerA: Awaited<ReturnType<typeof signUp>>;
    let boundary = 0;

    // tracks: 0, 1 paid 200 s; 2 short (30 s); 3 free-status
    beforeAll(async () => {
      store = await freshStore(kind);
      server = await spawnServer(store);
      catalog = await seedCatalog(store, server.url, [
        { durationMs: 200_000 },
        { durationMs: 200_000 },
        { durationMs: 30_000 },
        { durationMs: 200_000, status: 'free' },
      ]);
      holder = await signUp(server.url, `holder-${uuidv7()}@example.org`);
      expect(
        (
          await catalog.admin.post(`/v1/admin/artists/${catalog.artistId}/rightsholders`, {
            userId: holder.userId,
          })
        ).status,
      ).toBe(204);
      const [t0, t1, short, free] = catalog.trackIds as [string, string, string, string];
      const listener = async (credits: number) => {
        const api = await signUp(server.url, `l-${uuidv7()}@example.org`);
        if (credits)
          await catalog.admin.post('/v1/admin/grants', { userId: api.userId, amountThousandths: credits });
        const device = new TestDevice();
        await device.register(api);
        return { api, device };
      };
      const a = await listener(5000);
      listenerA = a.api;
      const b = await listener(5000);
      const c = await listener(2);
      const send = async (
        who: { api: typeof a.api; device: TestDevice },
        receipts: ReturnType<TestDevice['play']>[],
      ) => {
        const answer = await who.api.post('/v1/receipts', { deviceId: who.device.id, receipts });
        expect(answer.body.results.every((r: any) => r.status === 'settled')).toBe(true);
      };
      const at = (s: number) => Date.now() - 120_000 + s * 1000;
      // Period 1: A's first three paid plays of track 0.
      await send(a, [
        a.device.play(t0, {}, at(1)),
        a.device.play(t0, {}, at(2)),
        a.device.play(t0, {}, at(3)),
      ]);
      await sleep(20);
      boundary = Date.now();
      await sleep(20);
      // Period 2: A's 4th and 5th, a short and a free-status play; B a paid play then buys the rest;
      // C cannot pay the second play; the rightsholder plays their own track.
      await send(a, [
        a.device.play(t0, {}, at(4)),
        a.device.play(t0, {}, at(5)),
        a.device.play(short, { durationMs: 30_000, heardMs: 30_000 }, at(6)),
        a.device.play(free, {}, at(7)),
      ]);
      await send(b, [b.device.play(t1, {}, at(8))]);
      expect((await b.api.post(`/v1/tracks/${t1}/buy`, { requestId: 'buy-rest-0001' })).status).toBe(200);
      await send(b, [b.device.play(t1, {}, at(9))]); // owned now: free
      await send(c, [c.device.play(t0, {}, at(10)), c.device.play(t0, {}, at(11))]); // paid, then unpaid
      const own = new TestDevice();
      await own.register(holder);
      await send({ api: holder, device: own }, [own.play(t1, {}, at(12))]);
    });
    afterAll(async () => {
      await server?.stop();
      await store?.cleanup();
    });

    const reportUrl = (query: string) => `/v1/artists/${catalog.artistId}/earnings/report?${query}`;

    it("gives the report only to the artist's rightsholders and admins", async () => {
      expect((await listenerA.get(reportUrl(''))).status).toBe(403);
      expect((await catalog.admin.get(reportUrl(''))).status).toBe(200);
      expect((await holder.get(`/v1/artists/nope/earnings/report`)).status).toBe(404);
      expect((await holder.get(reportUrl(`from=${boundary}&to=${boundary}`))).body.error.code).toBe(
        'invalid_input',
      );
      // A period that has not begun cannot be exported (it would end before it starts).
      const future = await holder.get(reportUrl(`from=${Date.now() + 3_600_000}`));
      expect([future.status, future.body.error.code]).toEqual([409, 'period_open']);
    });

    it("ends a period asked to end in the future at the moment of the export, by the database's clock", async () => {
      const asked = Date.now() + 3_600_000;
      const answer = await holder.get(reportUrl(`from=${boundary}&to=${asked}`));
      expect(answer.status).toBe(200);
      const end = Date.parse(answer.body.period.to);
      expect(end).toBeLessThan(asked);
      expect(end).toBeLessThanOrEqual(Date.parse(answer.body.generatedAt));
      expect(answer.body.plays).toHaveLength(9);
    });

    it('exports the period in exactly the shared format, pseudonymous, and it verifies (verifier and CLI)', async () => {
      const answer = await holder.get(reportUrl(`from=${boundary}`));
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-disposition')).toContain('earnings-report-');
      const report = earningsReportSchema.parse(answer.body) as EarningsReport;
      // No identity: neither account ids nor e-mails appear anywhere.
      const text = JSON.stringify(report);
      expect(text).not.toContain(listenerA.userId);
      expect(text).not.toContain('@example.org');
      expect(report.plays).toHaveLength(9);
      expect(report.plays.map((p) => [p.outcome, p.freeReason, p.playIndex, p.priceThousandths])).toEqual(
        expect.arrayContaining([
          ['paid', null, 4, 16],
          ['paid', null, 5, 32],
          ['free', 'short', null, 0],
          ['free', 'free_track', null, 0],
          ['free', 'owned', null, 0],
          ['unpaid', null, null, 0],
          ['free', 'own_track', null, 0],
        ]),
      );
      expect(report.purchases).toEqual([
        expect.objectContaining({
          priceThousandths: 1022 - 2,
          artistShareTenThousandths: 7140,
          coopShareTenThousandths: 3060,
        }),
      ]);
      const a0 = report.openingStates.find(
        (o) => o.trackId === catalog.trackIds[0] && o.paidPlaysBefore === 3,
      );
      expect(a0).toBeDefined();
      expect(report.totals).toMatchObject({
        plays: 9,
        paidPlays: 4,
        freePlays: 4,
        unpaidPlays: 1,
        purchases: 1,
        creditsSpentThousandths: 16 + 32 + 2 + 2 + 1020,
      });

      const result = verifyEarningsReport(report);
      expect(result.mismatches).toEqual([]);
      expect(result).toMatchObject({
        ok: true,
        receipts: 9,
        verified: 9,
        claims: { freeTrack: 1, ownTrack: 1, unpaid: 1 },
      });
      expect(result.totals).toEqual(report.totals);

      const cli = await verifyWithCli(report);
      expect(cli.code).toBe(0);
      expect(cli.answer.ok).toBe(true);

      // Tampering: a receipt's listening time, a price with its split, a total.
      const tampered = structuredClone(report);
      const paid = tampered.plays.find((p) => p.playIndex === 4)!;
      paid.signed.receipt.heardMs += 1;
      const bad = await verifyWithCli(tampered);
      expect(bad.code).toBe(1);
      expect(bad.answer.mismatches.map((m: any) => m.kind)).toContain('bad_signature');

      const overcharged = structuredClone(report);
      const p4 = overcharged.plays.find((p) => p.playIndex === 4)!;
      p4.priceThousandths = 32;
      p4.artistShareTenThousandths = 224;
      p4.coopShareTenThousandths = 96;
      expect(verifyEarningsReport(overcharged).mismatches.map((m) => m.kind)).toContain('price');

      const inflated = structuredClone(report);
      inflated.totals.artistShareTenThousandths += 10;
      expect(verifyEarningsReport(inflated).mismatches.map((m) => m.kind)).toEqual(['totals']);
    });

    it('with stable pseudonyms, consecutive periods verify as a chain', async () => {
      const first = (await holder.get(reportUrl(`from=0&to=${boundary}&pseudonyms=stable`))).body;
      const second = (await holder.get(reportUrl(`from=${boundary}&to=${Date.now()}&pseudonyms=stable`)))
        .body;
      expect(first.plays).toHaveLength(3);
      const chain = verifyEarningsReportChain([first, second]);
      expect(chain.chain).toEqual([]);
      expect(chain.ok).toBe(true);
      // Per-report pseudonyms differ between two downloads of the same period.
      const again = (await holder.get(reportUrl(`from=0&to=${boundary}`))).body;
      const once = (await holder.get(reportUrl(`from=0&to=${boundary}`))).body;
      expect(again.plays[0].listener).not.toBe(once.plays[0].listener);
      expect(first.plays[0].listener).toBe(
        (await holder.get(reportUrl(`from=0&to=${boundary}&pseudonyms=stable`))).body.plays[0].listener,
      );
    });
  });
}
