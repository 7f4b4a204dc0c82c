import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { SignedPlayReceipt } from '../src/shared/receipt';
import { buildServer, type BuiltServer } from '../src/server/app';
import { openStore } from '../src/server/db/connect';
import { settleBatch } from '../src/server/settlement/settle-batch';
import { inTransaction } from '../src/server/db/transaction';
import { appendLogLeaves, type LogEvent } from '../src/server/tlog/append';
import { benchListener, benchReceipts, benchRelease, inBatches } from './support';
import { encodeLeaf, fromBase64, hashFromBase64, verifyInclusion, type LogLeaf } from '../src/shared/tlog';

/**
 * Transparency log benchmark (docs/transparency-log.md):
 * 1. settlement throughput with the log off and on, in the same run: two
 *    servers side by side, their receipts settled in alternating phases
 *    (off on on off …), on SQLite and PostgreSQL (target: on ≥ 0.9 × off);
 *    the median and the spread of the runs' ratios;
 * 2. inclusion and consistency proof p95 at 1,000,000 leaves, as the server
 *    answers them (its memoised tree; the inclusion proof also reads the
 *    leaf row), from a fixture built once and cached in the temp folder
 *    (target < 2 ms);
 * 3. verifying 1,000 inclusion proofs with the shared pure-JS verifier, as
 *    the app does (target < 200 ms).
 */
function emit(metric: string, value: number | null, unit: string, target: string, extra: object = {}) {
  process.stdout.write(`${JSON.stringify({ bench: 'tlog', metric, value, unit, target, ...extra })}\n`);
}
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]!;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// --- 1. settlement throughput, log off vs on ---------------------------------
const LISTENERS = 20;
const TRACKS = 200;
const BATCH = 100;
const PER_LISTENER = Number(process.env.TLOG_BENCH_RECEIPTS ?? 300);
const RUNS = Number(process.env.RUNS ?? 5);
/** Phases per side in a run, alternating off and on (ABBA). */
const PHASES = Number(process.env.TLOG_BENCH_PHASES ?? 6);

interface Prepared {
  server: BuiltServer;
  jobs: Array<{ userId: string; deviceId: string; batch: SignedPlayReceipt[]; i: number }>;
  logOn: boolean;
}

/** A server (log on or off) with its listeners, devices, credits and signed receipts, ready to settle. */
async function prepareRun(
  options: { dataDir: string; databaseUrl?: string },
  logOn: boolean,
  sequencing: 'inline' | 'deferred' | null,
): Promise<Prepared> {
  const server = await buildServer({
    ...options,
    logLevel: 'silent',
    config: {
      passwordHashing: { memoryCost: 1024, timeCost: 1, parallelism: 1 },
      transparencyLog: { enabled: logOn, sequencing },
    },
  });
  const { ctx } = server;
  const trackIds = await benchRelease(ctx, TRACKS);
  const now = Date.now();
  const jobs: Prepared['jobs'] = [];
  for (let l = 0; l < LISTENERS; l++) {
    const listener = await benchListener(ctx, now);
    const receipts = benchReceipts(listener, l, PER_LISTENER, trackIds, now);
    for (const [i, batch] of inBatches(receipts, BATCH).entries())
      jobs.push({ userId: listener.userId, deviceId: listener.deviceId, batch, i });
  }
  // Each listener's batches in order (a listener's later batch never settles before its earlier one).
  jobs.sort((a, b) => a.i - b.i);
  await ctx.signatures.warmUp();
  if (logOn) await server.tlog.catchUp();
  return { server, jobs, logOn };
}

/**
 * Settles `jobs` with four clients at once, as a server sees them. With the log
 * on, the phase ends when the log has caught up with every leaf (so the log's
 * own work is charged to the log-on phase, not to the next log-off one).
 */
async function settlePhase(
  run: Prepared,
  jobs: Prepared['jobs'],
): Promise<{ settled: number; ms: number; cpuUs: number }> {
  const { ctx } = run.server;
  let next = 0;
  let settled = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        const answer = await settleBatch(ctx, job.userId, job.deviceId, job.batch);
        settled += answer.results.filter((r) => r.status === 'settled').length;
      }
    }),
  );
  if (run.logOn) await run.server.tlog.catchUp();
  const ms = performance.now() - start;
  // This process's CPU (all threads: settlement, SQLite, signature workers): less exposed than wall
  // time to the other work on a shared machine (PostgreSQL's own CPU is not in it).
  const used = process.cpuUsage(cpu);
  if (settled !== jobs.reduce((n, j) => n + j.batch.length, 0)) throw new Error(`settled ${settled}`);
  return { settled, ms, cpuUs: used.user + used.system };
}

/**
 * One run: a log-off and a log-on server side by side, their receipts settled
 * in PHASES alternating phases each, in the order off on on off off on …
 * (ABBA), so load drifting during the run falls on both sides alike.
 */
async function pairedRun(
  off: Prepared,
  on: Prepared,
): Promise<{ off: { rate: number; cpu: number }; on: { rate: number; cpu: number } }> {
  const totals = new Map<Prepared, { settled: number; ms: number; cpuUs: number }>([
    [off, { settled: 0, ms: 0, cpuUs: 0 }],
    [on, { settled: 0, ms: 0, cpuUs: 0 }],
  ]);
  const per = Math.ceil(off.jobs.length / PHASES);
  for (let p = 0; p < PHASES; p++) {
    for (const side of p % 2 ? [on, off] : [off, on]) {
      const r = await settlePhase(side, side.jobs.slice(p * per, (p + 1) * per));
      const t = totals.get(side)!;
      t.settled += r.settled;
      t.ms += r.ms;
      t.cpuUs += r.cpuUs;
    }
  }
  const { size } = await on.server.tlog.latestCheckpoint();
  const plays = totals.get(on)!.settled;
  if (size !== plays + LISTENERS)
    throw new Error(`the log has ${size} leaves for ${plays} plays and ${LISTENERS} grants`);
  const figure = (t: { settled: number; ms: number; cpuUs: number }) => ({
    rate: t.settled / (t.ms / 1000),
    cpu: t.cpuUs / t.settled,
  });
  return { off: figure(totals.get(off)!), on: figure(totals.get(on)!) };
}

async function pgDatabase(): Promise<{ url: string; drop(): Promise<void> } | null> {
  const admin = process.env.RESONATE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const name = `resonate_tlog_bench_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const client = new pg.Client({ connectionString: admin, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query(`CREATE DATABASE ${name}`);
  } catch (error) {
    emit('postgres', null, '', '', { skipped: (error as Error).message });
    return null;
  } finally {
    await client.end().catch(() => {});
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

// postgres: the default (deferred sequencing); postgres_inline: leaves numbered in the settling transaction, for comparison.
const CASES = [
  { name: 'sqlite', kind: 'sqlite', sequencing: null },
  { name: 'postgres', kind: 'postgres', sequencing: null },
  { name: 'postgres_inline', kind: 'postgres', sequencing: 'inline' },
] as const;
const KINDS = (process.env.TLOG_BENCH_KINDS ?? 'sqlite,postgres,postgres_inline').split(',');
const spread = (xs: number[]) => [Math.min(...xs), Math.max(...xs)].map((x) => Number(x.toFixed(3)));
for (const { name: kind, kind: storeKind, sequencing } of CASES.filter((c) => KINDS.includes(c.name))) {
  const rates = { off: [] as number[], on: [] as number[] };
  const cpus = { off: [] as number[], on: [] as number[] };
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  let skipped = false;
  for (let run = 0; run < RUNS && !skipped; run++) {
    const dirs = [
      mkdtempSync(join(tmpdir(), 'resonate-tlog-bench-')),
      mkdtempSync(join(tmpdir(), 'resonate-tlog-bench-')),
    ];
    const dbs: Array<{ url: string; drop(): Promise<void> }> = [];
    const prepared: Prepared[] = [];
    try {
      for (const [i, logOn] of [false, true].entries()) {
        const db = storeKind === 'postgres' ? await pgDatabase() : null;
        if (storeKind === 'postgres' && !db) {
          skipped = true;
          break;
        }
        if (db) dbs.push(db);
        prepared.push(await prepareRun({ dataDir: dirs[i]!, databaseUrl: db?.url }, logOn, sequencing));
      }
      if (skipped) break;
      const r = await pairedRun(prepared[0]!, prepared[1]!);
      rates.off.push(r.off.rate);
      rates.on.push(r.on.rate);
      cpus.off.push(r.off.cpu);
      cpus.on.push(r.on.cpu);
      ratios.push(r.on.rate / r.off.rate);
      cpuRatios.push(r.off.cpu / r.on.cpu);
      for (const side of ['off', 'on'] as const)
        emit(`${kind}_receipts_settled_per_s_log_${side}`, Math.round(r[side].rate), 'receipts/s', 'info', {
          run: run + 1,
          cpuUsPerReceipt: Math.round(r[side].cpu),
          concurrency: 4,
          batch: BATCH,
          phases: PHASES,
          loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
        });
    } finally {
      for (const p of prepared) await p.server.close();
      for (const db of dbs) await db.drop();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    }
  }
  if (skipped || !ratios.length) continue;
  emit(
    `${kind}_settlement_log_on_to_off_ratio_median`,
    Number(median(ratios).toFixed(3)),
    'ratio',
    '>= 0.9',
    {
      // Each run's ratio: its log-on and log-off receipts settled in alternating phases (ABBA), summed per side.
      runRatios: ratios.map((r) => Number(r.toFixed(3))),
      spread: spread(ratios),
      on: rates.on.map(Math.round),
      off: rates.off.map(Math.round),
    },
  );
  emit(
    `${kind}_settlement_cpu_per_receipt_off_to_on_ratio_median`,
    Number(median(cpuRatios).toFixed(3)),
    'ratio',
    '>= 0.9 (throughput on/off as the CPU a receipt costs sees it)',
    {
      runRatios: cpuRatios.map((r) => Number(r.toFixed(3))),
      spread: spread(cpuRatios),
      cpuUsPerReceiptOn: cpus.on.map(Math.round),
      cpuUsPerReceiptOff: cpus.off.map(Math.round),
    },
  );
}

// --- 1b. the log's own cost per leaf ------------------------------------------
/**
 * The log alone, without the settlement around it (its cost hides in the
 * settlement ratios' run-to-run spread): 100-leaf batches of play events
 * appended in their own transaction, then the catch-up that numbers (deferred)
 * and reads them; minus the same transactions empty. This process's CPU and
 * the wall time per leaf, median of rounds (the database server's own CPU is
 * in the wall time only).
 */
async function leafCostRound(server: BuiltServer, withLog: boolean, batches: number) {
  const { ctx } = server;
  // The events are made before the clock starts: settlement has them already.
  const events = Array.from({ length: batches }, () => syntheticPlays(100));
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (const batch of events)
    await inTransaction(ctx.store, async (tx) => {
      await sql`SELECT 1`.execute(tx);
      if (withLog) await appendLogLeaves(ctx, tx, batch);
    });
  if (withLog) await server.tlog.catchUp();
  const used = process.cpuUsage(cpu);
  return { cpuUs: used.user + used.system, ms: performance.now() - start };
}

let syntheticSeq = 0;
function syntheticPlays(count: number): LogEvent[] {
  return Array.from({ length: count }, () => {
    const n = ++syntheticSeq;
    return {
      kind: 'play' as const,
      userId: `user-${n % 20}`,
      receiptId: uuidv7(),
      contentHash: createHash('sha256').update(String(n)).digest('hex'),
      seq: n,
      time: 1_764_000_000_000 + n,
      trackId: `track-${n % 200}`,
      artistId: 'artist-1',
      outcome: 'paid' as const,
      freeReason: null,
      playIndex: 1 + (n % 9),
      price: 2 ** (1 + (n % 9)),
    };
  });
}

async function leafCostBench(kind: 'sqlite' | 'postgres'): Promise<void> {
  const db = kind === 'postgres' ? await pgDatabase() : null;
  if (kind === 'postgres' && !db) return;
  const dir = mkdtempSync(join(tmpdir(), 'resonate-tlog-leafcost-'));
  const server = await buildServer({ dataDir: dir, databaseUrl: db?.url, logLevel: 'silent' });
  const cpu: number[] = [];
  const wall: number[] = [];
  try {
    const BATCHES = 100;
    await leafCostRound(server, true, BATCHES); // warm-up
    for (let r = 0; r < 9; r++) {
      const empty = await leafCostRound(server, false, BATCHES);
      const logged = await leafCostRound(server, true, BATCHES);
      cpu.push((logged.cpuUs - empty.cpuUs) / (BATCHES * 100));
      wall.push(((logged.ms - empty.ms) * 1000) / (BATCHES * 100));
    }
  } finally {
    await server.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
  emit(`${kind}_log_cpu_us_per_leaf`, Number(median(cpu).toFixed(1)), 'µs/leaf', 'info', {
    wallUsPerLeaf: Number(median(wall).toFixed(1)),
    rounds: cpu.map((c) => Number(c.toFixed(1))),
    batch: 100,
    sequencing: kind === 'postgres' ? 'deferred' : 'inline',
  });
}

if (process.env.TLOG_BENCH_LEAF_COST !== '0')
  for (const kind of ['sqlite', 'postgres'] as const)
    if (KINDS.some((k) => k.startsWith(kind))) await leafCostBench(kind);

// --- 2. proofs at 1,000,000 leaves --------------------------------------------
const BIG = Number(process.env.TLOG_BENCH_LEAVES ?? 1_000_000);
const fixtureDir = join(tmpdir(), `resonate-tlog-bench-${BIG}`);

async function bigFixture(): Promise<void> {
  if (existsSync(join(fixtureDir, 'complete'))) return;
  rmSync(fixtureDir, { recursive: true, force: true });
  mkdirSync(fixtureDir, { recursive: true });
  const store = await openStore({ kind: 'sqlite', dataDir: fixtureDir, backgroundCheckpoints: false });
  await store.close();
  const file = new BetterSqlite3(join(fixtureDir, 'resonate-server.sqlite'));
  file.pragma('journal_mode = WAL');
  file.pragma('synchronous = OFF');
  const insert = file.prepare(
    'INSERT INTO tlog_leaves (idx, leaf_hash, leaf, receipt_id, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const start = performance.now();
  const chunk = file.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const leaf: LogLeaf = {
        v: 1,
        kind: 'play',
        event: createHash('sha256').update(String(i)).digest('hex'),
        listener: `L-${createHash('sha256')
          .update(`l${i % 5000}`)
          .digest('base64url')
          .slice(0, 22)}`,
        seq: 1 + Math.floor(i / 5000),
        time: 1_764_000_000_000 + i,
        track: `track-${i % 997}`,
        artist: `artist-${i % 31}`,
        outcome: 'paid',
        freeReason: null,
        playIndex: 1,
        price: 230,
        artistShare: 1610,
        coopShare: 690,
        credit: 0,
        corrects: null,
      };
      const text = encodeLeaf(leaf);
      insert.run(
        i,
        createHash('sha256')
          .update(Buffer.from([0]))
          .update(text)
          .digest(),
        text,
        `r-${i}`,
        0,
      );
    }
  });
  for (let i = 0; i < BIG; i += 10_000) chunk(i, Math.min(BIG, i + 10_000));
  file.prepare('UPDATE tlog_state SET size = ? WHERE id = 1').run(BIG);
  file.pragma('wal_checkpoint(TRUNCATE)');
  file.close();
  writeFileSync(join(fixtureDir, 'complete'), 'ok');
  emit('fixture_built_ms', Math.round(performance.now() - start), 'ms', 'info', {
    leaves: BIG,
    dir: fixtureDir,
  });
}

if (process.env.TLOG_BENCH_PROOFS !== '0') await proofBench();

async function proofBench(): Promise<void> {
  await bigFixture();
  const server: BuiltServer = await buildServer({
    dataDir: fixtureDir,
    logLevel: 'silent',
    config: { transparencyLog: { checkpointIntervalMs: 3_600_000 } },
  });
  try {
    const loadStart = performance.now();
    const size = await server.tlog.catchUp();
    emit('server_tree_load_ms', Math.round(performance.now() - loadStart), 'ms', 'info', {
      leaves: size,
      note: 'first start: reads every leaf hash (tiles once persisted), builds the memoised tree, persists full tiles',
    });
    const cp = await server.tlog.latestCheckpoint();
    if (cp.size !== BIG) throw new Error(`fixture has ${cp.size} leaves`);
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const inclusion: number[] = [];
    const proofs: Array<{ index: number; leafHash: string; proof: string[] }> = [];
    for (let k = 0; k < 2000; k++) {
      const index = rnd(BIG);
      const t = performance.now();
      const p = await server.tlog.inclusionProof(index, BIG);
      inclusion.push(performance.now() - t);
      if (k < 1000) proofs.push(p);
    }
    emit('inclusion_proof_p95_ms_1m', Number(p95(inclusion).toFixed(3)), 'ms', '< 2', {
      leaves: BIG,
      samples: inclusion.length,
      medianMs: Number(median(inclusion).toFixed(3)),
    });
    const consistency: number[] = [];
    for (let k = 0; k < 2000; k++) {
      const a = 1 + rnd(BIG - 1);
      const b = a + rnd(BIG - a + 1);
      const t = performance.now();
      await server.tlog.consistencyProof(a, b);
      consistency.push(performance.now() - t);
    }
    emit('consistency_proof_p95_ms_1m', Number(p95(consistency).toFixed(3)), 'ms', '< 2', {
      leaves: BIG,
      samples: consistency.length,
      medianMs: Number(median(consistency).toFixed(3)),
    });
    // Through HTTP (inject: routing, validation, JSON), for the same sizes.
    const http: number[] = [];
    for (let k = 0; k < 500; k++) {
      const t = performance.now();
      const r = await server.app.inject({
        method: 'GET',
        url: `/v1/log/proof/inclusion?index=${rnd(BIG)}&size=${BIG}`,
      });
      http.push(performance.now() - t);
      if (r.statusCode !== 200) throw new Error(r.body);
    }
    emit('inclusion_proof_http_p95_ms_1m', Number(p95(http).toFixed(3)), 'ms', 'info', {
      leaves: BIG,
      samples: http.length,
    });

    // --- 3. the app's side: 1,000 inclusion proofs with the shared verifier ---
    const root = (await import('../src/shared/tlog')).parseCheckpoint(
      (await import('../src/shared/tlog')).parseNote(cp.note).body,
    ).root;
    const decoded = proofs.map((p) => ({
      index: p.index,
      leaf: hashFromBase64(p.leafHash),
      proof: p.proof.map(fromBase64),
    }));
    const times: number[] = [];
    for (let round = 0; round < 5; round++) {
      const t = performance.now();
      for (const d of decoded)
        if (!verifyInclusion(d.index, BIG, d.leaf, d.proof, root).ok)
          throw new Error('a proof did not verify');
      times.push(performance.now() - t);
    }
    emit('verify_1000_inclusion_proofs_ms', Number(median(times).toFixed(1)), 'ms', '< 200', {
      leaves: BIG,
      rounds: times.map((t) => Number(t.toFixed(1))),
      verifier: 'src/shared/tlog (@noble/hashes)',
    });
  } finally {
    await server.close();
  }
}
