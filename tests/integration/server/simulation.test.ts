import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { PAID_PLAYS_TO_OWN, priceOfPaidPlay } from '../../../src/shared/pricing';
import type { SignedPlayReceipt } from '../../../src/shared/receipt';
import {
  type Api,
  TestDevice,
  freshStore,
  postgresUnavailableReason,
  seedCatalog,
  signUp,
  spawnServer,
  type ServerProcess,
  type StoreTarget,
} from './harness';
import { checkInvariants } from './ledger-invariants';
import { checkLogInvariants } from '../tlog/log-invariants';

/**
 * A seeded, replayable simulation of many listeners and devices against real
 * server processes: random plays, receipts resent, reordered and held back,
 * two instances on one PostgreSQL, an instance killed mid-batch. Afterwards
 * the money invariants are checked on the database itself.
 *
 * Replay a run: SIM_SEED=<printed seed> npx vitest run tests/integration/server/simulation.test.ts
 */
const SEED = process.env.SIM_SEED ? Number(process.env.SIM_SEED) : Math.floor(Math.random() * 2 ** 31);
console.log(`[server simulation] seed ${SEED} (replay with SIM_SEED=${SEED})`);

const pgSkipReason = await postgresUnavailableReason();
if (pgSkipReason) console.warn(`[server simulation] skipping PostgreSQL: ${pgSkipReason}`);

/** mulberry32: the simulation's own decisions, derived from the seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), chance: (p: number) => next() < p };
}

const scenarioArb = fc.record({
  listeners: fc.array(
    fc.record({
      credits: fc.oneof(
        fc.constant(0),
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 400, max: 4000 }),
      ),
      devices: fc.integer({ min: 1, max: 3 }),
      plays: fc.array(fc.record({ device: fc.nat(2), track: fc.nat(3) }), { minLength: 10, maxLength: 45 }),
    }),
    { minLength: 4, maxLength: 7 },
  ),
  /** One listener with credits to spare and few plays: its devices' plays all fit in their allowances. */
  rich: fc.array(fc.record({ device: fc.nat(1), track: fc.nat(3) }), { minLength: 3, maxLength: 7 }),
});

interface SimDevice {
  device: TestDevice;
  outbox: SignedPlayReceipt[];
  sent: SignedPlayReceipt[];
  /** The offline allowance the device pulled before playing. */
  allowance: number;
}

async function runSimulation(kind: 'sqlite' | 'postgres', seed: number) {
  const scenario = fc.sample(scenarioArb, { seed, numRuns: 1 })[0]!;
  const rand = prng(seed);
  const store = await freshStore(kind);
  const servers: Array<ServerProcess | null> = [await spawnServer(store)];
  if (kind === 'postgres') servers.push(await spawnServer(store));
  const urls = () => servers.filter((s): s is ServerProcess => s !== null).map((s) => s.url);
  try {
    const catalog = await seedCatalog(store, servers[0]!.url, [
      { durationMs: 200_000 },
      { durationMs: 180_000 },
      { durationMs: 240_000 },
      { durationMs: 30_000 },
    ]);
    const firstAnswers = new Map<string, string>();
    const outcomes = new Map<string, string>();
    const purchases: Array<{
      api: Api;
      path: string;
      requestId: string;
      first: { status: number; body: any };
    }> = [];
    const failures: string[] = [];
    const base = Date.now() - 3_600_000;
    let clock = 0;

    const listeners = await Promise.all(
      [...scenario.listeners, { credits: 10_000, devices: 2, plays: scenario.rich }].map(async (l) => {
        const api = await signUp(servers[0]!.url, `sim-${uuidv7()}@example.org`);
        if (l.credits)
          await catalog.admin.post('/v1/admin/grants', { userId: api.userId, amountThousandths: l.credits });
        const devices: SimDevice[] = [];
        for (let d = 0; d < l.devices; d++) {
          const device = new TestDevice();
          await device.register(api);
          devices.push({ device, outbox: [], sent: [], allowance: 0 });
        }
        // Each device pulls its offline allowance before it plays (as the app does at sign-in).
        for (const dev of devices) {
          const pull = await api
            .withBase(urls()[rand.int(urls().length)]!)
            .post('/v1/sync', { deviceId: dev.device.id });
          dev.allowance = pull.body.allowanceThousandths;
        }
        return { api, devices, plays: l.plays };
      }),
    );

    async function send(api: Api, dev: SimDevice, batch: SignedPlayReceipt[], url: string): Promise<void> {
      let answer;
      try {
        answer = await api.withBase(url).post('/v1/receipts', { deviceId: dev.device.id, receipts: batch });
      } catch {
        return; // server gone mid-request: the receipts stay in the outbox
      }
      if (answer.status !== 200) {
        failures.push(`batch answered ${answer.status}: ${JSON.stringify(answer.body)}`);
        return;
      }
      for (const result of answer.body.results) {
        const { duplicate: _d, index: _i, ...rest } = result;
        const key = JSON.stringify(rest);
        if (result.status !== 'settled') {
          failures.push(`receipt rejected: ${key}`);
          continue;
        }
        const first = firstAnswers.get(result.id);
        outcomes.set(result.id, result.outcome);
        if (first === undefined) firstAnswers.set(result.id, key);
        else if (first !== key)
          failures.push(`receipt ${result.id} answered differently: ${first} vs ${key}`);
        dev.outbox = dev.outbox.filter((r) => r.receipt.id !== result.id);
      }
    }

    /** A purchase sent to another instance while the listener's receipts settle: the wallet row is contended. */
    async function buy(api: Api, path: string, url: string): Promise<void> {
      const requestId = `sim-${uuidv7()}`;
      let answer;
      try {
        answer = await api.withBase(url).post(path, { requestId });
      } catch {
        return; // server gone mid-request
      }
      if (answer.status >= 500)
        failures.push(`purchase answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      else purchases.push({ api, path, requestId, first: answer });
    }

    let killed = false;
    await Promise.all(
      listeners.map(async (listener, li) => {
        for (const [pi, play] of listener.plays.entries()) {
          const dev = listener.devices[play.device % listener.devices.length]!;
          const track = catalog.trackIds[play.track]!;
          const durationMs = play.track === 3 ? 30_000 : 200_000;
          const signed = dev.device.play(
            track,
            { durationMs, heardMs: Math.min(45_000, durationMs) },
            base + ++clock * 1000,
          );
          dev.outbox.push(signed);
          dev.sent.push(signed);
          // Offline devices hold receipts back (late submissions); online ones send in small, shuffled batches.
          if (rand.chance(0.35)) continue;
          const batch = [...dev.outbox];
          if (dev.sent.length > 1 && rand.chance(0.3)) batch.push(dev.sent[rand.int(dev.sent.length)]!); // duplicate
          for (let i = batch.length - 1; i > 0; i--) {
            const j = rand.int(i + 1);
            [batch[i], batch[j]] = [batch[j]!, batch[i]!];
          }
          const targets = urls();
          const url = targets[rand.int(targets.length)]!;
          // Once per run: kill the server this batch goes to while the batch is in flight.
          if (!killed && li === 0 && pi === Math.floor(listener.plays.length / 2)) {
            killed = true;
            const victim = servers.findIndex((s) => s?.url === url);
            const inflight = send(listener.api, dev, batch, url);
            await new Promise((r) => setTimeout(r, rand.int(15)));
            await servers[victim]!.stop('SIGKILL');
            servers[victim] = null;
            await inflight;
            servers[victim] = await spawnServer(store);
            continue;
          }
          // Often, at the same moment on the other instance: another device's outbox (maybe the same
          // receipts) and sometimes a purchase, so one listener's wallet is contended across instances.
          const other = targets[(targets.indexOf(url) + 1) % targets.length]!;
          const companion = listener.devices[rand.int(listener.devices.length)]!;
          const concurrent: Array<Promise<void>> = [send(listener.api, dev, batch, url)];
          if (rand.chance(0.5) && companion.outbox.length)
            concurrent.push(send(listener.api, companion, [...companion.outbox], other));
          if (rand.chance(0.15)) {
            const path = rand.chance(0.5)
              ? `/v1/tracks/${catalog.trackIds[rand.int(3)]}/buy`
              : `/v1/releases/${catalog.releaseId}/buy`;
            concurrent.push(buy(listener.api, path, other));
          }
          await Promise.all(concurrent);
        }
      }),
    );

    // Final flush: everything still unanswered, plus every receipt once more (all duplicates now).
    for (const listener of listeners) {
      for (const dev of listener.devices) {
        for (let round = 0; dev.outbox.length && round < 5; round++)
          await send(listener.api, dev, [...dev.outbox], urls()[round % urls().length]!);
        for (let i = 0; i < dev.sent.length; i += 100)
          await send(listener.api, dev, dev.sent.slice(i, i + 100), urls()[0]!);
        if (dev.outbox.length) failures.push(`${dev.outbox.length} receipts never answered`);
      }
    }
    // A resent purchase answers its first result (and pays nothing more).
    for (const p of purchases) {
      const again = await p.api.withBase(urls()[0]!).post(p.path, { requestId: p.requestId });
      if (
        p.first.status === 200 &&
        (again.status !== 200 || !again.body.duplicate || again.body.transferId !== p.first.body.transferId)
      ) {
        failures.push(
          `purchase ${p.requestId} resent answered ${again.status}: ${JSON.stringify(again.body)}`,
        );
      }
    }
    // Plays within a device's offline allowance are never unpaid. Within: even at the worst price each
    // could get (its listener's plays of the track all settled before it), the device's plays fit in the
    // allowance it pulled (its receipts spend its own allowance first; purchases never touch allowances).
    let withinDevices = 0;
    for (const listener of listeners) {
      const playsOfTrack = new Map<string, number>();
      for (const dev of listener.devices)
        for (const r of dev.sent)
          playsOfTrack.set(r.receipt.trackId, (playsOfTrack.get(r.receipt.trackId) ?? 0) + 1);
      for (const dev of listener.devices) {
        const worst = dev.sent.reduce(
          (sum, r) =>
            sum +
            (r.receipt.durationMs < 45_000
              ? 0
              : priceOfPaidPlay(Math.min(PAID_PLAYS_TO_OWN, playsOfTrack.get(r.receipt.trackId)!))),
          0,
        );
        if (!dev.sent.length || worst > dev.allowance) continue;
        withinDevices++;
        const unpaid = dev.sent.filter((r) => outcomes.get(r.receipt.id) === 'unpaid');
        if (unpaid.length)
          failures.push(
            `${unpaid.length} plays within the allowance (${worst} ≤ ${dev.allowance}) booked unpaid`,
          );
      }
    }
    const totalReceipts = listeners.reduce((n, l) => n + l.devices.reduce((m, d) => m + d.sent.length, 0), 0);
    // The transparency log's latest checkpoint, while a server still runs (it numbers and signs every committed leaf first).
    const logCheckpoint = {
      note: await (await fetch(`${urls()[0]}/v1/log/checkpoint`)).text(),
      vkey: ((await (await fetch(`${urls()[0]}/v1/log/key`)).json()) as { vkey: string }).vkey,
    };
    return {
      store,
      logCheckpoint,
      failures,
      totalReceipts,
      answered: firstAnswers.size,
      purchases: purchases.length,
      withinDevices,
    };
  } finally {
    for (const s of servers) await s?.stop();
  }
}

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && pgSkipReason !== null)(`settlement simulation on ${kind}`, () => {
    let store: StoreTarget | undefined;
    afterAll(async () => {
      await store?.cleanup();
    });
    it(`keeps every money invariant (seed ${SEED})`, { timeout: 120_000 }, async () => {
      const run = await runSimulation(kind, SEED);
      store = run.store;
      console.log(
        `[server simulation] ${kind}: ${run.totalReceipts} receipts, ${run.purchases} purchases, ${run.withinDevices} devices within their allowance`,
      );
      expect(run.failures, `seed ${SEED}`).toEqual([]);
      expect(run.answered).toBe(run.totalReceipts);
      expect(run.withinDevices, 'devices whose plays all fit their allowance').toBeGreaterThan(0);
      expect(await checkInvariants(run.store), `seed ${SEED}`).toEqual([]);
      // Transparency log: dense unique indexes, one leaf per play, purchase and credit, the root of all leaves signed.
      expect(await checkLogInvariants(run.store, run.logCheckpoint), `seed ${SEED}`).toEqual([]);
    });
  });
}
