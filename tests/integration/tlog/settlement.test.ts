import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { receiptSigningBytes } from '../../../src/shared/receipt';
import {
  fromBase64,
  hashFromBase64,
  parseLeaf,
  verifyCheckpoint,
  verifyInclusion,
} from '../../../src/shared/tlog';
import type { BuiltServer } from '../../../src/server/app';
import { TestDevice, freshStore, seedCatalog, signUp, type StoreTarget } from '../server/harness';
import { checkLogInvariants } from './log-invariants';
import { logServer } from './helpers';

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function listening(): Promise<{ store: StoreTarget; server: BuiltServer; url: string }> {
  const store = await freshStore('sqlite');
  const server = await logServer(store);
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  cleanups.push(async () => {
    await server.close();
    await store.cleanup();
  });
  return { store, server, url: `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}` };
}

const text = async (url: string) => (await fetch(url)).text();
const json = async (url: string): Promise<any> => (await fetch(url)).json();

describe('settlement writes the transparency log', () => {
  it('each settled receipt, the grant and a purchase have a leaf that says what the server decided, provably in the signed checkpoint', async () => {
    const { store, url } = await listening();
    const catalog = await seedCatalog(store, url, [
      { durationMs: 200_000 },
      { durationMs: 200_000 },
      { durationMs: 20_000 },
    ]);
    const listener = await signUp(url, 'tlog-listener@example.org');
    await catalog.admin.post('/v1/admin/grants', { userId: listener.userId, amountThousandths: 5000 });
    const device = new TestDevice();
    await device.register(listener);
    const receipts = [
      device.play(catalog.trackIds[0]!),
      device.play(catalog.trackIds[0]!),
      device.play(catalog.trackIds[2]!, { durationMs: 20_000, heardMs: 20_000 }),
    ];
    const answer = await listener.post('/v1/receipts', { deviceId: device.id, receipts });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const bought = await listener.post(`/v1/tracks/${catalog.trackIds[1]}/buy`, { requestId: 'buy-track-1' });
    expect(bought.status, JSON.stringify(bought.body)).toBe(200);

    const vkey = (await json(`${url}/v1/log/key`)).vkey;
    const verdict = verifyCheckpoint(await text(`${url}/v1/log/checkpoint`), vkey);
    if (!verdict.ok) throw new Error(verdict.reason);
    expect(verdict.checkpoint.size).toBe(5); // grant, 3 plays, 1 purchase
    for (const [i, r] of receipts.entries()) {
      const p = await json(
        `${url}/v1/log/proof/inclusion?receiptId=${r.receipt.id}&size=${verdict.checkpoint.size}`,
      );
      expect(
        verifyInclusion(
          p.index,
          p.size,
          hashFromBase64(p.leafHash),
          p.proof.map(fromBase64),
          verdict.checkpoint.root,
        ),
      ).toEqual({ ok: true });
      const leaf = parseLeaf(p.leaf);
      if (!leaf.ok) throw new Error(leaf.problems.join());
      const result = answer.body.results[i];
      // The app can find its own play: the event is SHA-256 of the receipt's signing bytes (context + canonical JSON).
      expect(leaf.leaf.event).toBe(createHash('sha256').update(receiptSigningBytes(r.receipt)).digest('hex'));
      expect({ outcome: leaf.leaf.outcome, price: leaf.leaf.price, playIndex: leaf.leaf.playIndex }).toEqual({
        outcome: result.outcome,
        price: result.priceThousandths,
        playIndex: result.playIndex,
      });
      expect(leaf.leaf.artistShare + leaf.leaf.coopShare).toBe(result.priceThousandths * 10);
    }
    const all = (await json(`${url}/v1/log/leaves?start=0&end=5`)).leaves.map((l: { leaf: string }) =>
      JSON.parse(l.leaf),
    );
    expect(all.map((l: { kind: string }) => l.kind)).toEqual(['grant', 'play', 'play', 'play', 'purchase']);
    expect(all[0].credit).toBe(5000);
    expect(all[4]).toMatchObject({
      track: catalog.trackIds[1],
      artist: catalog.artistId,
      price: bought.body.totalThousandths,
    });
    expect(await checkLogInvariants(store, { note: await text(`${url}/v1/log/checkpoint`), vkey })).toEqual(
      [],
    );
  });

  it('when the leaves cannot be written the settlement rolls back too (both or neither); the resend then settles with dense leaves', async () => {
    const { store, server, url } = await listening();
    const catalog = await seedCatalog(store, url, [{ durationMs: 200_000 }]);
    const listener = await signUp(url, 'tlog-rollback@example.org');
    await catalog.admin.post('/v1/admin/grants', { userId: listener.userId, amountThousandths: 2000 });
    const device = new TestDevice();
    await device.register(listener);
    const wallet = async () => (await listener.get('/v1/wallet')).body;
    const before = await wallet();
    const receipts = [device.play(catalog.trackIds[0]!), device.play(catalog.trackIds[0]!)];
    // A fault at the very last step of the settlement transaction: appending the leaves.
    await sql`CREATE TRIGGER tlog_fault BEFORE INSERT ON tlog_leaves BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END`.execute(
      server.ctx.store.db,
    );
    const failed = await listener.post('/v1/receipts', { deviceId: device.id, receipts });
    expect(failed.status).toBe(500);
    expect((await listener.get('/v1/plays')).body.tracks).toEqual([]);
    expect(await wallet()).toEqual(before);
    await sql`DROP TRIGGER tlog_fault`.execute(server.ctx.store.db);
    const settled = await listener.post('/v1/receipts', { deviceId: device.id, receipts });
    expect(
      settled.body.results.map((r: { status: string; duplicate: boolean }) => [r.status, r.duplicate]),
    ).toEqual([
      ['settled', false],
      ['settled', false],
    ]);
    const vkey = (await json(`${url}/v1/log/key`)).vkey;
    expect(await checkLogInvariants(store, { note: await text(`${url}/v1/log/checkpoint`), vkey })).toEqual(
      [],
    );
  });

  it('with the log switched off (the benchmark baseline) settlement writes no leaves and the log routes say so', async () => {
    const store = await freshStore('sqlite');
    const server = await logServer(store, { transparencyLog: { enabled: false } });
    await server.app.listen({ port: 0, host: '127.0.0.1' });
    cleanups.push(async () => {
      await server.close();
      await store.cleanup();
    });
    const url = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
    const catalog = await seedCatalog(store, url, [{ durationMs: 200_000 }]);
    const listener = await signUp(url, 'tlog-off@example.org');
    await catalog.admin.post('/v1/admin/grants', { userId: listener.userId, amountThousandths: 2000 });
    expect((await fetch(`${url}/v1/log/checkpoint`)).status).toBe(404);
    const problems = await checkLogInvariants(store);
    expect(problems).toContain('0 credit leaves for 1 grants and vouchers');
  });
});
