import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { silentWav } from '../../support/silent-wav';
import {
  Api,
  TestDevice,
  freshStore,
  postgresUnavailableReason,
  runCli,
  seedCatalog,
  signUp,
  spawnServer,
  tempDir,
  type ServerProcess,
  type StoreTarget,
} from './harness';

const pgSkipReason = await postgresUnavailableReason();
if (pgSkipReason) console.warn(`[server tests] skipping PostgreSQL: ${pgSkipReason}`);

const PRICES = [2, 4, 8, 16, 32, 64, 128, 256, 512];

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && pgSkipReason !== null)(`sync server over HTTP on ${kind}`, () => {
    let store: StoreTarget;
    let server: ServerProcess;
    let catalog: Awaited<ReturnType<typeof seedCatalog>>;
    // tracks: 0,1,2 paid 200 s; 3 short (30 s); 4 free-status
    beforeAll(async () => {
      store = await freshStore(kind);
      server = await spawnServer(store, { maxReceiptsPerBatch: 200, bodyLimitBytes: 512 * 1024 });
      catalog = await seedCatalog(store, server.url, [
        { durationMs: 200_000 },
        { durationMs: 200_000 },
        { durationMs: 200_000 },
        { durationMs: 30_000 },
        { durationMs: 200_000, status: 'free' },
      ]);
    });
    afterAll(async () => {
      await server?.stop();
      await store?.cleanup();
    });

    async function listenerWith(credits: number) {
      const api = await signUp(server.url, `l-${uuidv7()}@example.org`);
      if (credits)
        expect(
          (await catalog.admin.post('/v1/admin/grants', { userId: api.userId, amountThousandths: credits }))
            .status,
        ).toBe(201);
      const device = new TestDevice();
      await device.register(api);
      return { api, device };
    }

    it('signs up, signs in, answers /me, signs out', async () => {
      const email = `a-${uuidv7()}@example.org`;
      const api = await signUp(server.url, email);
      expect((await api.get('/v1/me')).body).toMatchObject({ email, role: 'listener', artists: [] });
      expect(
        (await new Api(server.url).post('/v1/auth/sign-up', { email, password: 'another password' })).body
          .error.code,
      ).toBe('email_taken');
      expect(
        (await new Api(server.url).post('/v1/auth/sign-in', { email, password: 'wrong password' })).status,
      ).toBe(401);
      expect((await api.post('/v1/auth/sign-out')).status).toBe(204);
      expect((await api.get('/v1/me')).status).toBe(401);
      expect((await new Api(server.url, 'x'.repeat(43)).get('/v1/wallet')).body.error.code).toBe(
        'unauthenticated',
      );
    });

    it('rejects bad input with a clear 4xx and reason', async () => {
      const api = new Api(server.url);
      const malformed = await api.call('POST', '/v1/auth/sign-in', '{"email":', {});
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.code).toBe('malformed_json');
      const wrongTypes = await api.post('/v1/auth/sign-up', { email: 42, password: true });
      expect(wrongTypes.status).toBe(400);
      expect(wrongTypes.body.error.code).toBe('invalid_input');
      expect(wrongTypes.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual([
        'email',
        'password',
      ]);
      const huge = await api.post('/v1/auth/sign-in', { email: 'a@b.org', password: 'x'.repeat(600 * 1024) });
      expect(huge.status).toBe(413);
      expect(huge.body.error.code).toBe('body_too_large');
      expect((await api.get('/v1/nope')).status).toBe(404);
    });

    it('keeps admin routes for admins and wallets to their owners', async () => {
      const { api } = await listenerWith(0);
      expect((await api.post('/v1/admin/grants', { userId: api.base, amountThousandths: 5 })).status).toBe(
        403,
      );
      expect((await api.get(`/v1/artists/${catalog.artistId}/earnings`)).status).toBe(403);
      expect((await new Api(server.url).get('/v1/wallet')).status).toBe(401);
    });

    it('prices paid plays 2^n in the server order, owns after the 9th, splits 70/30 exactly', async () => {
      const { api, device } = await listenerWith(5000);
      const track = catalog.trackIds[0]!;
      const receipts = Array.from({ length: 11 }, (_, i) =>
        device.play(track, {}, Date.now() - 60_000 + i * 1000),
      );
      const answer = await api.post('/v1/receipts', { deviceId: device.id, receipts });
      expect(answer.status).toBe(200);
      const results = answer.body.results;
      expect(results.slice(0, 9).map((r: any) => r.priceThousandths)).toEqual(PRICES);
      expect(results.slice(0, 9).map((r: any) => r.playIndex)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(results[8].owned).toBe(true);
      expect(results[9]).toMatchObject({ outcome: 'free', freeReason: 'owned', priceThousandths: 0 });
      expect(answer.body.wallet.balanceThousandths).toBe(5000 - 1022);
      const owned = await api.get('/v1/owned');
      expect(owned.body.tracks.map((t: any) => t.trackId)).toEqual([track]);
      // resend: the original answers, nothing charged again
      const again = await api.post('/v1/receipts', { deviceId: device.id, receipts: receipts.slice(0, 3) });
      expect(again.body.results.map((r: any) => [r.duplicate, r.priceThousandths])).toEqual([
        [true, 2],
        [true, 4],
        [true, 8],
      ]);
      expect((await api.get('/v1/wallet')).body.balanceThousandths).toBe(5000 - 1022);
      const ledger = await api.get('/v1/ledger?limit=500');
      expect(ledger.body.entries.reduce((s: number, e: any) => s + e.amountThousandths, 0)).toBe(5000 - 1022);
      const earnings = await catalog.admin.get(`/v1/artists/${catalog.artistId}/earnings?groupBy=track`);
      const row = earnings.body.rows.find((r: any) => r.key === track);
      expect(row.artistShareTenThousandths + row.coopShareTenThousandths).toBe(row.spentThousandths * 10);
      expect(row.artistShareTenThousandths * 3).toBe(row.coopShareTenThousandths * 7);
    });

    it('counts free cases without charging: short, free status, own track', async () => {
      const { api, device } = await listenerWith(1000);
      const r = await api.post('/v1/receipts', {
        deviceId: device.id,
        receipts: [
          device.play(catalog.trackIds[3]!, { durationMs: 30_000, heardMs: 30_000 }),
          device.play(catalog.trackIds[4]!),
        ],
      });
      expect(r.body.results.map((x: any) => x.freeReason)).toEqual(['short', 'free_track']);
      expect(r.body.wallet.balanceThousandths).toBe(1000);
      // the rightsholder plays their own track for free
      const holder = await listenerWith(1000);
      await catalog.admin.post(`/v1/admin/artists/${catalog.artistId}/rightsholders`, {
        userId: holder.api.userId,
      });
      const own = await holder.api.post('/v1/receipts', {
        deviceId: holder.device.id,
        receipts: [holder.device.play(catalog.trackIds[1]!)],
      });
      expect(own.body.results[0]).toMatchObject({ outcome: 'free', freeReason: 'own_track' });
      expect(
        (
          await holder.api.get(`/v1/artists/${catalog.artistId}/earnings?format=csv&groupBy=month`)
        ).headers.get('content-type'),
      ).toContain('text/csv');
    });

    it('records an uncovered play as counted but unpaid, crediting nobody', async () => {
      const { api, device } = await listenerWith(5);
      const r = await api.post('/v1/receipts', {
        deviceId: device.id,
        receipts: [
          device.play(catalog.trackIds[1]!),
          device.play(catalog.trackIds[1]!),
          device.play(catalog.trackIds[1]!),
        ],
      });
      expect(r.body.results.map((x: any) => x.outcome)).toEqual(['paid', 'unpaid', 'unpaid']);
      expect(r.body.wallet.balanceThousandths).toBe(3);
      expect((await api.get('/v1/plays')).body.tracks[0]).toMatchObject({ paidPlays: 1, totalPlays: 3 });
    });

    it('rejects forged, tampered, foreign, revoked, unknown and conflicting receipts, storing nothing', async () => {
      const { api, device } = await listenerWith(1000);
      const other = await listenerWith(1000);
      const track = catalog.trackIds[2]!;
      const good = device.play(track);
      const tampered = { ...good, receipt: { ...good.receipt, heardMs: 46_000 } };
      const forged = new TestDevice();
      const forgedReceipt = {
        receipt: { ...device.receipt(track) },
        signature: forged.sign(device.receipt(track)).signature,
      };
      const foreign = other.device.play(track);
      const unknown = device.play('no-such-track');
      const malformed = { receipt: { ...device.receipt(track), extra: 1 }, signature: good.signature };
      const answer = await api.post('/v1/receipts', {
        deviceId: device.id,
        receipts: [tampered, forgedReceipt, foreign, unknown, malformed],
      });
      expect(answer.body.results.map((r: any) => r.reason)).toEqual([
        'bad_signature',
        'bad_signature',
        'device_not_yours',
        'unknown_track',
        'malformed',
      ]);
      expect((await api.get('/v1/plays')).body.tracks).toEqual([]);
      expect((await api.get('/v1/wallet')).body.balanceThousandths).toBe(1000);
      // conflict: same id, other content (validly signed)
      expect(
        (await api.post('/v1/receipts', { deviceId: device.id, receipts: [good] })).body.results[0].status,
      ).toBe('settled');
      const sameId = device.sign({ ...good.receipt, heardMs: 50_000, seq: device.seq + 1 });
      // (A time window or a reused seq is settled, not rejected: settlement-holes.test.ts.)
      const conflict = await api.post('/v1/receipts', { deviceId: device.id, receipts: [sameId] });
      expect(conflict.body.results.map((r: any) => r.reason)).toEqual(['conflict']);
      // replay to another account: conflict, not a second settlement
      await other.api
        .post('/v1/devices', { name: 'copy', publicKey: device.keys.publicKey })
        .then((r) => expect(r.status).toBe(409));
      // revoked device
      expect((await api.post(`/v1/devices/${device.id}/revoke`)).body.revokedAt).not.toBeNull();
      const revoked = await api.post('/v1/receipts', { deviceId: device.id, receipts: [device.play(track)] });
      expect(revoked.body.results[0].reason).toBe('device_revoked');
      // huge batch
      const big = await api.post('/v1/receipts', {
        deviceId: device.id,
        receipts: Array.from({ length: 201 }, () => good),
      });
      expect(big.status).toBe(400);
      expect((await api.get('/v1/wallet')).body.balanceThousandths).toBe(1000 - 2);
    });

    it('records seq gaps, accepts the late receipt that fills one', async () => {
      const { api, device } = await listenerWith(1000);
      const first = device.play(catalog.trackIds[2]!);
      const skipped = device.play(catalog.trackIds[2]!);
      const third = device.play(catalog.trackIds[2]!);
      await api.post('/v1/receipts', { deviceId: device.id, receipts: [first, third] });
      const devices = (await api.get('/v1/devices')).body.devices;
      expect(devices[0].seqGaps).toEqual([expect.objectContaining({ fromSeq: 2, toSeq: 2 })]);
      const late = await api.post('/v1/receipts', { deviceId: device.id, receipts: [skipped] });
      expect(late.body.results[0]).toMatchObject({ status: 'settled', playIndex: 3, priceThousandths: 8 });
    });

    it('grants an offline allowance within the balance and spends it first', async () => {
      const { api, device } = await listenerWith(1500);
      const second = new TestDevice();
      await second.register(api, 'second');
      const pull = await api.post('/v1/sync', { deviceId: device.id });
      expect(pull.body.allowanceThousandths).toBe(1500);
      const pull2 = await api.post('/v1/sync', { deviceId: second.id });
      expect(pull2.body.allowanceThousandths).toBe(0);
      const wallet = (await api.get('/v1/wallet')).body;
      expect(wallet.reservedThousandths).toBeLessThanOrEqual(wallet.balanceThousandths);
      // the second device can't spend the first one's allowance: unpaid
      const r2 = await api.post('/v1/receipts', {
        deviceId: second.id,
        receipts: [second.play(catalog.trackIds[0]!)],
      });
      expect(r2.body.results[0].outcome).toBe('unpaid');
      const r1 = await api.post('/v1/receipts', {
        deviceId: device.id,
        receipts: [device.play(catalog.trackIds[0]!)],
      });
      expect(r1.body.results[0].outcome).toBe('paid');
      expect(r1.body.allowanceThousandths).toBe(1498);
      // The device itself releases (its one receipt is in, so the allowance goes back at once).
      expect(
        (await api.post(`/v1/devices/${device.id}/allowance/release`, device.releaseBody())).status,
      ).toBe(200);
      expect((await api.get('/v1/wallet')).body.reservedThousandths).toBe(0);
    });

    it('pulls play counts and catalog changes since a cursor', async () => {
      const { api, device } = await listenerWith(1000);
      const first = await api.post('/v1/sync', { deviceId: device.id, catalogLimit: 2 });
      expect(first.body.catalog.tracks).toHaveLength(2);
      expect(first.body.catalog.complete).toBe(false);
      let cursor = first.body.cursor;
      const seen = [...first.body.catalog.tracks];
      for (;;) {
        const next = await api.post('/v1/sync', { deviceId: device.id, cursor, catalogLimit: 2 });
        seen.push(...next.body.catalog.tracks);
        cursor = next.body.cursor;
        if (next.body.catalog.complete) break;
      }
      expect(new Set(seen.map((t) => t.id)).size).toBe(seen.length);
      expect(seen.length).toBeGreaterThanOrEqual(5);
      await api.post('/v1/receipts', { deviceId: device.id, receipts: [device.play(catalog.trackIds[0]!)] });
      const after = await api.post('/v1/sync', { deviceId: device.id, cursor });
      expect(after.body.playCounts).toEqual([
        expect.objectContaining({ trackId: catalog.trackIds[0], paidPlays: 1 }),
      ]);
      expect(after.body.catalog.tracks).toEqual([]);
      const quiet = await api.post('/v1/sync', { deviceId: device.id, cursor: after.body.cursor });
      expect(quiet.body.playCounts).toEqual([]);
      expect((await api.post('/v1/sync', { deviceId: device.id, cursor: 'garbage' })).body.error.code).toBe(
        'invalid_cursor',
      );
    });

    it('buys the rest of a track and of a release, once per request id', async () => {
      const { api, device } = await listenerWith(10_000);
      await api.post('/v1/receipts', {
        deviceId: device.id,
        receipts: [device.play(catalog.trackIds[0]!), device.play(catalog.trackIds[0]!)],
      });
      const buy = await api.post(`/v1/tracks/${catalog.trackIds[0]}/buy`, { requestId: 'buy-track-0001' });
      expect(buy.body).toMatchObject({ totalThousandths: 1016, duplicate: false });
      expect(
        (await api.post(`/v1/tracks/${catalog.trackIds[0]}/buy`, { requestId: 'buy-track-0001' })).body
          .duplicate,
      ).toBe(true);
      const release = await api.post(`/v1/releases/${catalog.releaseId}/buy`, {});
      // tracks 1 and 2 are left (0 owned, 3 short, 4 free)
      expect(release.body.totalThousandths).toBe(2044);
      expect((await api.get('/v1/wallet')).body.balanceThousandths).toBe(10_000 - 6 - 1016 - 2044);
      const poor = await listenerWith(10);
      expect((await poor.api.post(`/v1/tracks/${catalog.trackIds[0]}/buy`, {})).body.error.code).toBe(
        'insufficient_credits',
      );
    });

    it('answers a resent release purchase that bought nothing (all owned) as its first result, and charges nothing', async () => {
      const { api } = await listenerWith(10_000);
      expect(
        (await api.post(`/v1/releases/${catalog.releaseId}/buy`, {})).body.totalThousandths,
      ).toBeGreaterThan(0);
      const balance = (await api.get('/v1/wallet')).body.balanceThousandths;
      // Everything is owned now: this request buys nothing, and writes no transfer.
      const empty = await api.post(`/v1/releases/${catalog.releaseId}/buy`, { requestId: 'buy-nothing-01' });
      expect(empty.status).toBe(200);
      expect(empty.body).toMatchObject({ duplicate: false, tracks: [], totalThousandths: 0 });
      const again = await api.post(`/v1/releases/${catalog.releaseId}/buy`, { requestId: 'buy-nothing-01' });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({
        duplicate: true,
        transferId: empty.body.transferId,
        tracks: [],
        totalThousandths: 0,
      });
      expect((await api.get('/v1/wallet')).body.balanceThousandths).toBe(balance);
    });

    it('redeems a voucher code exactly once', async () => {
      const batch = await catalog.admin.post('/v1/admin/voucher-batches', {
        valueThousandths: 2500,
        count: 2,
      });
      const { api } = await listenerWith(0);
      const other = await listenerWith(0);
      const code = batch.body.codes[0];
      const results = await Promise.all([
        api.post('/v1/vouchers/redeem', { code }),
        other.api.post('/v1/vouchers/redeem', { code: code.toLowerCase() }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      expect((await api.post('/v1/vouchers/redeem', { code: 'AAAAA-BBBBB' })).status).toBe(404);
    });

    it('reports membership progress', async () => {
      const { api } = await listenerWith(20_000);
      const status = await api.get('/v1/membership');
      expect(status.body.listener).toMatchObject({
        member: false,
        spentThousandths: 0,
        thresholdThousandths: 12264,
      });
    });

    it('imports a folder as a release and streams its audio with Range', async () => {
      const folder = tempDir('resonate-import-');
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, '01 Opening.wav'), silentWav(60));
      writeFileSync(join(folder, '02 Short.wav'), silentWav(20));
      writeFileSync(join(folder, 'cover.txt'), 'not audio');
      const out = await runCli(store, ['import-release', folder, '--artist', 'Imported Artist']);
      expect(out.tracks.map((t: any) => t.durationMs)).toEqual([60_000, 20_000]);
      const { api } = await listenerWith(0);
      const search = await api.get('/v1/catalog/tracks?q=imported%20artist');
      expect(search.body.tracks.map((t: any) => t.title).sort()).toEqual(['01 Opening', '02 Short']);
      const id = out.tracks[0].id;
      const ranged = await api.call('GET', `/v1/tracks/${id}/audio`, undefined, { range: 'bytes=0-99' });
      expect(ranged.status).toBe(206);
      expect(ranged.headers.get('content-range')).toBe(`bytes 0-99/${44 + 60_000}`);
      expect((await new Api(server.url).get(`/v1/tracks/${id}/audio`)).status).toBe(401);
    });

    it('serves an OpenAPI document of every route', async () => {
      const doc = (await new Api(server.url).get('/v1/openapi.json')).body;
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining(['/v1/receipts', '/v1/sync', '/v1/tracks/{id}/audio']),
      );
    });
  });
}
