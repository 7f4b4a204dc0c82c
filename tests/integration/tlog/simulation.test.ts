import { afterAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import type { SignedPlayReceipt } from '../../../src/shared/receipt';
import {
  TestDevice,
  freshStore,
  postgresUnavailableReason,
  seedCatalog,
  signUp,
  spawnServer,
  type Api,
  type ServerProcess,
  type StoreTarget,
} from '../server/harness';
import { checkInvariants } from '../server/ledger-invariants';
import { checkLogInvariants } from './log-invariants';

/**
 * A seeded settlement run with the transparency log's checks: listeners on
 * several devices send receipts (some resent, some held back) to either of
 * two instances on one PostgreSQL (one on SQLite), buy tracks, get grants and
 * vouchers, and one instance is SIGKILLed while a batch is in flight.
 * Afterwards, on the database: the money invariants, and the log's — dense
 * unique leaf indexes, exactly one leaf per settled play, per track bought,
 * per credit, and the root of all leaves equal to the latest signed checkpoint.
 *
 * Replay: TLOG_SIM_SEED=<printed seed> npx vitest run tests/integration/tlog/simulation.test.ts
 */
const SEED = process.env.TLOG_SIM_SEED
  ? Number(process.env.TLOG_SIM_SEED)
  : Math.floor(Math.random() * 2 ** 31);
console.log(`[tlog simulation] seed ${SEED} (replay with TLOG_SIM_SEED=${SEED})`);
const pgReason = await postgresUnavailableReason();
if (pgReason) console.log(`[tlog simulation] PostgreSQL skipped: ${pgReason}`);

function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { int: (n: number) => Math.floor(next() * n), chance: (p: number) => next() < p };
}

async function run(
  kind: 'sqlite' | 'postgres',
  store: StoreTarget,
): Promise<{ failures: string[]; url: string; servers: Array<ServerProcess | null> }> {
  const rand = prng(SEED);
  const servers: Array<ServerProcess | null> = [await spawnServer(store)];
  if (kind === 'postgres') servers.push(await spawnServer(store));
  const urls = () => servers.filter((s): s is ServerProcess => s !== null).map((s) => s.url);
  const failures: string[] = [];
  const catalog = await seedCatalog(store, urls()[0]!, [
    { durationMs: 200_000 },
    { durationMs: 180_000 },
    { durationMs: 30_000 },
    { durationMs: 200_000, status: 'free' },
  ]);
  const vouchers = await catalog.admin.post('/v1/admin/voucher-batches', { valueThousandths: 500, count: 3 });
  if (vouchers.status !== 201) failures.push(`voucher batch answered ${vouchers.status}`);
  const base = Date.now() - 3_600_000;
  let clock = 0;
  let killed = false;
  const listeners = await Promise.all(
    Array.from({ length: 4 }, async (_, li) => {
      const api = await signUp(urls()[0]!, `tlog-sim-${uuidv7()}@example.org`);
      const grant = [0, 300, 3000, 9000][li]!;
      if (grant)
        await catalog.admin.post('/v1/admin/grants', { userId: api.userId, amountThousandths: grant });
      if (li < 3 && vouchers.status === 201) {
        const redeemed = await api.post('/v1/vouchers/redeem', { code: vouchers.body.codes[li] });
        if (redeemed.status !== 200) failures.push(`voucher redeem answered ${redeemed.status}`);
      }
      const devices = [new TestDevice(), new TestDevice()];
      for (const d of devices) await d.register(api);
      return { api, devices, outbox: new Map<TestDevice, SignedPlayReceipt[]>(devices.map((d) => [d, []])) };
    }),
  );
  const send = async (
    api: Api,
    device: TestDevice,
    batch: SignedPlayReceipt[],
    url: string,
    outbox: SignedPlayReceipt[],
  ) => {
    try {
      const answer = await api.withBase(url).post('/v1/receipts', { deviceId: device.id, receipts: batch });
      if (answer.status !== 200) return failures.push(`batch answered ${answer.status}`);
      for (const r of answer.body.results) {
        if (r.status !== 'settled') failures.push(`rejected: ${JSON.stringify(r)}`);
        const at = outbox.findIndex((s) => s.receipt.id === r.id);
        if (at >= 0) outbox.splice(at, 1);
      }
    } catch {
      // the server died mid-request: the receipts stay in the outbox
    }
    return 0;
  };
  await Promise.all(
    listeners.map(async (l, li) => {
      for (let p = 0; p < 24; p++) {
        const device = l.devices[rand.int(2)]!;
        const outbox = l.outbox.get(device)!;
        const track = rand.int(4);
        const durationMs = track === 2 ? 30_000 : 200_000;
        outbox.push(
          device.play(
            catalog.trackIds[track]!,
            { durationMs, heardMs: Math.min(45_000, durationMs) },
            base + ++clock * 1000,
          ),
        );
        if (rand.chance(0.3)) continue; // offline: held back
        const batch = [...outbox];
        const url = urls()[rand.int(urls().length)]!;
        if (!killed && li === 0 && p === 12) {
          killed = true;
          const victim = servers.findIndex((s) => s?.url === url);
          const inflight = send(l.api, device, batch, url, outbox);
          await new Promise((r) => setTimeout(r, rand.int(15)));
          await servers[victim]!.stop('SIGKILL');
          servers[victim] = null;
          await inflight;
          servers[victim] = await spawnServer(store);
          continue;
        }
        const work = [send(l.api, device, batch, url, outbox)];
        if (rand.chance(0.15))
          work.push(
            l.api
              .withBase(urls()[rand.int(urls().length)]!)
              .post(`/v1/tracks/${catalog.trackIds[rand.int(2)]}/buy`, { requestId: uuidv7() })
              .then(
                () => 0,
                () => 0,
              ),
          ); // a killed instance: not bought
        await Promise.all(work);
      }
    }),
  );
  for (const l of listeners) {
    for (const [device, outbox] of l.outbox)
      for (let round = 0; outbox.length && round < 5; round++)
        await send(l.api, device, [...outbox], urls()[round % urls().length]!, outbox);
    for (const [, outbox] of l.outbox)
      if (outbox.length) failures.push(`${outbox.length} receipts never answered`);
  }
  return { failures, url: urls()[0]!, servers };
}

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && pgReason !== null)(
    `transparency log in the settlement simulation on ${kind}`,
    () => {
      let store: StoreTarget | undefined;
      let servers: Array<ServerProcess | null> = [];
      afterAll(async () => {
        for (const s of servers) await s?.stop();
        await store?.cleanup();
      });
      it(
        `every settled play, purchase and credit has exactly one leaf, indexes are dense, and the root is the latest checkpoint's (seed ${SEED})`,
        { timeout: 120_000 },
        async () => {
          store = await freshStore(kind);
          const result = await run(kind, store);
          servers = result.servers;
          expect(result.failures, `seed ${SEED}`).toEqual([]);
          const vkey = ((await (await fetch(`${result.url}/v1/log/key`)).json()) as { vkey: string }).vkey;
          const note = await (await fetch(`${result.url}/v1/log/checkpoint`)).text();
          expect(await checkInvariants(store), `seed ${SEED}`).toEqual([]);
          expect(await checkLogInvariants(store, { note, vkey }), `seed ${SEED}`).toEqual([]);
        },
      );
    },
  );
}
