import BetterSqlite3 from 'better-sqlite3';
import fc from 'fast-check';
import pg from 'pg';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import type { SignedPlayReceipt } from '../../../src/shared/receipt';
import { type Api, TestDevice, freshStore, postgresUnavailableReason, seedCatalog, signUp, spawnServer, type ServerProcess, type StoreTarget } from './harness';

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
      credits: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 400 }), fc.integer({ min: 400, max: 4000 })),
      devices: fc.integer({ min: 1, max: 3 }),
      plays: fc.array(fc.record({ device: fc.nat(2), track: fc.nat(3) }), { minLength: 10, maxLength: 45 }),
    }),
    { minLength: 4, maxLength: 7 },
  ),
});

interface SimDevice {
  device: TestDevice;
  outbox: SignedPlayReceipt[];
  sent: SignedPlayReceipt[];
}

async function runSimulation(kind: 'sqlite' | 'postgres', seed: number) {
  const scenario = fc.sample(scenarioArb, { seed, numRuns: 1 })[0]!;
  const rand = prng(seed);
  const store = await freshStore(kind);
  const servers: Array<ServerProcess | null> = [await spawnServer(store)];
  if (kind === 'postgres') servers.push(await spawnServer(store));
  const urls = () => servers.filter((s): s is ServerProcess => s !== null).map((s) => s.url);
  try {
    const catalog = await seedCatalog(store, servers[0]!.url, [{ durationMs: 200_000 }, { durationMs: 180_000 }, { durationMs: 240_000 }, { durationMs: 30_000 }]);
    const firstAnswers = new Map<string, string>();
    const failures: string[] = [];
    const base = Date.now() - 3_600_000;
    let clock = 0;

    const listeners = await Promise.all(
      scenario.listeners.map(async (l) => {
        const api = await signUp(servers[0]!.url, `sim-${uuidv7()}@example.org`);
        if (l.credits) await catalog.admin.post('/v1/admin/grants', { userId: api.userId, amountThousandths: l.credits });
        const devices: SimDevice[] = [];
        for (let d = 0; d < l.devices; d++) {
          const device = new TestDevice();
          await device.register(api);
          devices.push({ device, outbox: [], sent: [] });
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
        if (first === undefined) firstAnswers.set(result.id, key);
        else if (first !== key) failures.push(`receipt ${result.id} answered differently: ${first} vs ${key}`);
        dev.outbox = dev.outbox.filter((r) => r.receipt.id !== result.id);
      }
    }

    let killed = false;
    await Promise.all(
      listeners.map(async (listener, li) => {
        for (const [pi, play] of listener.plays.entries()) {
          const dev = listener.devices[play.device % listener.devices.length]!;
          const track = catalog.trackIds[play.track]!;
          const durationMs = play.track === 3 ? 30_000 : 200_000;
          const signed = dev.device.play(track, { durationMs, heardMs: Math.min(45_000, durationMs) }, base + ++clock * 1000);
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
          await send(listener.api, dev, batch, url);
        }
      }),
    );

    // Final flush: everything still unanswered, plus every receipt once more (all duplicates now).
    for (const listener of listeners) {
      for (const dev of listener.devices) {
        for (let round = 0; dev.outbox.length && round < 5; round++) await send(listener.api, dev, [...dev.outbox], urls()[round % urls().length]!);
        for (let i = 0; i < dev.sent.length; i += 100) await send(listener.api, dev, dev.sent.slice(i, i + 100), urls()[0]!);
        if (dev.outbox.length) failures.push(`${dev.outbox.length} receipts never answered`);
      }
    }
    const totalReceipts = listeners.reduce((n, l) => n + l.devices.reduce((m, d) => m + d.sent.length, 0), 0);
    return { store, failures, totalReceipts, answered: firstAnswers.size };
  } finally {
    for (const s of servers) await s?.stop();
  }
}

/** The invariants, checked with plain SQL on the store after the run. */
async function checkInvariants(store: StoreTarget): Promise<string[]> {
  let query: (text: string) => Promise<any[]>;
  let done: () => Promise<void>;
  if (store.databaseUrl) {
    const client = new pg.Client({ connectionString: store.databaseUrl });
    await client.connect();
    query = async (text) => (await client.query(text)).rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v])));
    done = () => client.end();
  } else {
    const db = new BetterSqlite3(join(store.dataDir, 'resonate-server.sqlite'), { readonly: true });
    query = async (text) => db.prepare(text).all();
    done = async () => {
      db.close();
    };
  }
  const problems: string[] = [];
  const expectNone = async (what: string, text: string) => {
    const rows = await query(text);
    if (rows.length) problems.push(`${what}: ${JSON.stringify(rows.slice(0, 3))}`);
  };
  try {
    await expectNone('a receipt settled twice', `SELECT receipt_id FROM transfers WHERE kind = 'play' GROUP BY receipt_id HAVING COUNT(*) > 1`);
    await expectNone('a transfer whose entries do not sum to zero', `SELECT transfer_id, SUM(amount) AS s FROM ledger_entries GROUP BY transfer_id HAVING SUM(amount) <> 0`);
    await expectNone('a wallet below zero or over-reserved', `SELECT user_id FROM wallets WHERE balance < 0 OR reserved < 0 OR reserved > balance`);
    await expectNone(
      'a wallet that disagrees with its ledger',
      `SELECT w.user_id FROM wallets w LEFT JOIN (SELECT account_id, SUM(amount) AS s FROM ledger_entries WHERE account_type = 'listener' GROUP BY account_id) e ON e.account_id = w.user_id WHERE w.balance * 10 <> COALESCE(e.s, 0)`,
    );
    await expectNone(
      'reservations that are not the sum of device allowances',
      `SELECT w.user_id FROM wallets w LEFT JOIN (SELECT user_id, SUM(allowance) AS s FROM devices GROUP BY user_id) d ON d.user_id = w.user_id WHERE w.reserved <> COALESCE(d.s, 0)`,
    );
    await expectNone('a paid play off the price table', `SELECT receipt_id FROM plays WHERE outcome = 'paid' AND price <> (CASE play_index WHEN 1 THEN 2 WHEN 2 THEN 4 WHEN 3 THEN 8 WHEN 4 THEN 16 WHEN 5 THEN 32 WHEN 6 THEN 64 WHEN 7 THEN 128 WHEN 8 THEN 256 WHEN 9 THEN 512 END)`);
    await expectNone(
      'paid play indexes not 1..k without repeats per listener and track',
      `SELECT user_id, track_id FROM plays WHERE outcome = 'paid' GROUP BY user_id, track_id HAVING COUNT(*) <> MAX(play_index) OR COUNT(DISTINCT play_index) <> COUNT(*)`,
    );
    await expectNone(
      'prices not in the server order (a later settlement with a lower index)',
      `SELECT a.receipt_id FROM plays a JOIN plays b ON a.user_id = b.user_id AND a.track_id = b.track_id AND a.outcome = 'paid' AND b.outcome = 'paid' AND a.play_index < b.play_index WHERE a.settled_at > b.settled_at`,
    );
    await expectNone('ownership not after exactly 9 paid plays', `SELECT user_id, track_id FROM listener_tracks WHERE (owned_at IS NOT NULL) <> (paid_plays = 9)`);
    await expectNone(
      'play counts that disagree with the plays',
      `SELECT lt.user_id FROM listener_tracks lt JOIN (SELECT user_id, track_id, COUNT(*) AS n, SUM(CASE WHEN outcome = 'paid' THEN 1 ELSE 0 END) AS paid, SUM(price) AS amount FROM plays GROUP BY user_id, track_id) p ON p.user_id = lt.user_id AND p.track_id = lt.track_id WHERE lt.total_plays <> p.n OR lt.paid_plays <> p.paid OR lt.paid_amount <> p.amount`,
    );
    await expectNone('an unpaid or free play with ledger entries', `SELECT p.receipt_id FROM plays p JOIN transfers t ON t.receipt_id = p.receipt_id WHERE p.outcome <> 'paid'`);
    await expectNone('a paid play without its transfer', `SELECT p.receipt_id FROM plays p LEFT JOIN transfers t ON t.receipt_id = p.receipt_id WHERE p.outcome = 'paid' AND t.id IS NULL`);
    await expectNone('a play after ownership that was charged', `SELECT p.receipt_id FROM plays p WHERE p.outcome = 'paid' AND p.play_index > 9`);
    const [paid] = await query(`SELECT COALESCE(-SUM(amount), 0) AS s FROM ledger_entries e JOIN transfers t ON t.id = e.transfer_id WHERE t.kind = 'play' AND e.account_type = 'listener'`);
    const [earned] = await query(`SELECT COALESCE(SUM(amount), 0) AS s FROM ledger_entries WHERE account_type IN ('artist', 'coop')`);
    if (Number(paid.s) !== Number(earned.s)) problems.push(`listeners paid ${paid.s} but artists and co-op earned ${earned.s}`);
    const [split] = await query(`SELECT COALESCE(SUM(CASE WHEN account_type = 'artist' THEN amount ELSE 0 END), 0) AS a, COALESCE(SUM(CASE WHEN account_type = 'coop' THEN amount ELSE 0 END), 0) AS c FROM ledger_entries`);
    if (Number(split.a) * 3 !== Number(split.c) * 7) problems.push(`split is not 70/30: ${split.a} / ${split.c}`);
  } finally {
    await done();
  }
  return problems;
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
      expect(run.failures, `seed ${SEED}`).toEqual([]);
      expect(run.answered).toBe(run.totalReceipts);
      expect(await checkInvariants(run.store), `seed ${SEED}`).toEqual([]);
    });
  });
}
