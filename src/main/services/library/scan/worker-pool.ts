import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type * as EsbuildApi from 'esbuild';
import type { ReadResult, WorkerReplyMessage, WorkerTask } from './worker-protocol';

/**
 * Where the scan worker's code is. Hosts inject it: the electron-vite
 * bundle emits the worker as its own entry (e.g. `scan-worker.js` next to
 * the main bundle) and passes `{ url }`. Running from source (tsx, vitest),
 * the default points at `scan-worker.ts` with `typescript: true`.
 */
export interface ScanWorkerEntry {
  url: URL;
  /** Load the entry through tsx (its TypeScript source). */
  typescript?: boolean;
}

/** The default: the worker next to this file; its TypeScript source when this file is TypeScript. */
export function defaultScanWorkerEntry(): ScanWorkerEntry {
  const here = import.meta.url;
  if (/\.[cm]?ts$/.test(new URL(here).pathname)) {
    return { url: new URL('./scan-worker.ts', here), typescript: true };
  }
  return { url: new URL('./scan-worker.js', here) };
}

/**
 * Starts a worker on the entry. A TypeScript entry (running from source:
 * tests, the CLI, benchmarks) is bundled once per process with esbuild
 * (tsx's own compiler, so present wherever tsx is), dependencies left to
 * node_modules as the app's build does: the worker then loads plain
 * JavaScript in ~0.1 s instead of resolving every module through tsx's
 * loader thread (~0.8 s). If that fails, a small bootstrap imports the
 * entry through tsx's `tsImport` (`execArgv: ['--import', 'tsx']` does not
 * reach worker threads on Node 20).
 */
export function startScanWorker(entry: ScanWorkerEntry): Worker {
  if (!entry.typescript) return new Worker(entry.url);
  const bundle = bundledEntry(entry.url);
  // Without the parent's `--import tsx`: the bundle is plain JavaScript.
  if (bundle) return new Worker(bundle, { execArgv: [] });
  // `require.resolve` finds the CommonJS build; its ES module twin sits beside it.
  const tsxApiCjs = createRequire(import.meta.url).resolve('tsx/esm/api');
  const tsxApi = pathToFileURL(tsxApiCjs.replace(/index\.cjs$/, 'index.mjs')).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((api) => api.tsImport(${JSON.stringify(entry.url.href)}, ${JSON.stringify(entry.url.href)}))`;
  return new Worker(bootstrap, { eval: true });
}

const bundles = new Map<string, URL | null>();

function bundledEntry(entry: URL): URL | null {
  if (bundles.has(entry.href)) return bundles.get(entry.href)!;
  let url: URL | null;
  try {
    const require = createRequire(import.meta.url);
    const esbuild = require('esbuild') as typeof EsbuildApi;
    const source = fileURLToPath(entry);
    const result = esbuild.buildSync({
      entryPoints: [source],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      write: false,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]!.text;
    // Next to the dependencies, so the bundle's imports resolve as the app's do.
    const modules = require.resolve('music-metadata');
    const nodeModules = modules.slice(0, modules.lastIndexOf(`node_modules`) + 'node_modules'.length);
    const dir = join(nodeModules, '.cache', 'resonate-workers');
    const file = join(dir, `${basename(source).replace(/\.[cm]?ts$/, '')}-${createHash('sha1').update(code).digest('hex').slice(0, 12)}.mjs`);
    if (!existsSync(file)) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(`${file}.tmp${process.pid}`, code);
      renameSyncSafe(`${file}.tmp${process.pid}`, file);
    }
    url = pathToFileURL(file);
  } catch {
    url = null;
  }
  bundles.set(entry.href, url);
  return url;
}

export interface WorkerPoolOptions {
  entry: ScanWorkerEntry;
  /** Worker threads. */
  size: number;
  /**
   * Files handed to each worker ahead of time. A worker reads them one by
   * one, in order, and answers in batches: a deep queue keeps it busy
   * between messages.
   */
  inFlightPerWorker: number;
  /** A file that takes longer is given up on: its worker is replaced. */
  timeoutMs: number;
}

interface Pending {
  task: WorkerTask;
  resolve(result: ReadResult): void;
  /** When the worker could have started on it: sent, or its predecessor answered. */
  startedAt?: number;
  retried?: boolean;
}

interface Slot {
  worker: Worker;
  /** The worker said it is loaded; until then its files' clocks do not run (a cold start under load can take seconds). */
  ready: boolean;
  inFlight: Map<number, Pending>;
  timer: NodeJS.Timeout | null;
}

/**
 * A fixed set of worker threads reading files. Never rejects: a file that
 * fails, hangs or crashes its worker resolves as a problem, so a scan
 * always finishes.
 */
export class ScanWorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;
  private pumpQueued = false;

  constructor(private readonly options: WorkerPoolOptions) {
    for (let i = 0; i < options.size; i++) this.slots.push(this.spawn());
  }

  read(file: string): Promise<ReadResult> {
    if (this.closed) return Promise.resolve({ ok: false, reason: 'crashed', detail: 'The scanner was stopped.' });
    return new Promise((resolve) => {
      this.queue.push({ task: { id: this.nextId++, file }, resolve });
      // Files asked for together (in one tick) go to a worker in one message.
      if (this.pumpQueued) return;
      this.pumpQueued = true;
      queueMicrotask(() => {
        this.pumpQueued = false;
        this.pump();
      });
    });
  }

  /** Files waiting for a worker (not yet started). */
  get queued(): number {
    return this.queue.length;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const stopped: ReadResult = { ok: false, reason: 'crashed', detail: 'The scanner was stopped.' };
    for (const pending of this.queue.splice(0)) pending.resolve(stopped);
    await Promise.all(
      this.slots.map(async (slot) => {
        if (slot.timer) clearInterval(slot.timer);
        for (const pending of slot.inFlight.values()) pending.resolve(stopped);
        slot.inFlight.clear();
        await slot.worker.terminate();
      }),
    );
  }

  private spawn(): Slot {
    const worker = startScanWorker(this.options.entry);
    const slot: Slot = { worker, ready: false, inFlight: new Map(), timer: null };
    worker.on('message', (message: WorkerReplyMessage) => {
      const now = performance.now();
      if (message === 'ready') {
        slot.ready = true;
        for (const pending of slot.inFlight.values()) pending.startedAt = now;
        return;
      }
      const headBefore = slot.inFlight.values().next().value;
      for (const reply of message) {
        const pending = slot.inFlight.get(reply.id);
        if (!pending) continue;
        slot.inFlight.delete(reply.id);
        pending.resolve(reply.ok ? { ok: true, info: reply.info } : { ok: false, reason: reply.reason, detail: reply.detail });
      }
      // Files are read in order: the oldest unanswered one is being read now, its clock starts here.
      const head = slot.inFlight.values().next().value;
      if (head && head !== headBefore) head.startedAt = now;
      this.pump();
    });
    const onDeath = (detail: string) => {
      if (this.closed || !this.slots.includes(slot)) return;
      this.replace(slot, null, detail);
    };
    worker.on('error', (error) => onDeath(`The file crashed its reader: ${error.message}`));
    worker.on('exit', (code) => onDeath(`The file's reader stopped (exit code ${code}).`));
    slot.timer = setInterval(() => this.checkTimeouts(slot), Math.max(50, Math.min(1000, this.options.timeoutMs / 4)));
    slot.timer.unref();
    return slot;
  }

  /** Only the file being read (the oldest sent and unanswered) can have hung its worker. */
  private checkTimeouts(slot: Slot): void {
    if (!slot.ready) return;
    const head = slot.inFlight.values().next().value;
    if (head?.startedAt !== undefined && performance.now() - head.startedAt > this.options.timeoutMs) {
      this.replace(slot, head, `Reading the file took longer than ${Math.round(this.options.timeoutMs / 1000)} s.`);
    }
  }

  /**
   * Replaces a worker that hung or died. The file that caused it (if known)
   * becomes a problem; the others it was reading go back in the queue once,
   * and become problems if they take a worker down a second time.
   */
  private replace(slot: Slot, culprit: Pending | null, detail: string): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    if (slot.timer) clearInterval(slot.timer);
    void slot.worker.terminate();
    for (const pending of slot.inFlight.values()) {
      if (pending === culprit) {
        pending.resolve({ ok: false, reason: 'timeout', detail });
      } else if (pending.retried) {
        pending.resolve({ ok: false, reason: culprit ? 'timeout' : 'crashed', detail });
      } else {
        pending.retried = true;
        delete pending.startedAt;
        this.queue.unshift(pending);
      }
    }
    slot.inFlight.clear();
    this.slots[index] = this.spawn();
    this.pump();
  }

  private pump(): void {
    if (this.closed) return;
    const batches = new Map<Slot, WorkerTask[]>();
    while (this.queue.length > 0) {
      let best: Slot | undefined;
      for (const slot of this.slots) {
        if (slot.inFlight.size < this.options.inFlightPerWorker && (!best || slot.inFlight.size < best.inFlight.size)) best = slot;
      }
      if (!best) break;
      const pending = this.queue.shift()!;
      // Behind others, a file's clock starts when its predecessor is answered.
      if (best.inFlight.size === 0) pending.startedAt = performance.now();
      else delete pending.startedAt;
      best.inFlight.set(pending.task.id, pending);
      const batch = batches.get(best) ?? [];
      batch.push(pending.task);
      batches.set(best, batch);
    }
    for (const [slot, tasks] of batches) slot.worker.postMessage(tasks);
  }
}

/** Another process may have written the same bundle meanwhile: either copy is right. */
function renameSyncSafe(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (error) {
    if (!existsSync(to)) throw error;
  }
}
