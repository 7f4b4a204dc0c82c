import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * WAL checkpoints for the embedded SQLite, on a worker thread with its own
 * connection. SQLite's automatic checkpoint runs inside the commit that
 * crosses the threshold, so every few settlement batches one request paid
 * for copying the WAL into the database and an fsync (several ms on a busy
 * disk). Here a PASSIVE checkpoint runs every `intervalMs` beside the
 * writer, never blocking it; the main connection keeps a large automatic
 * threshold only as a backstop should this thread die.
 *
 * The worker is a few lines of CommonJS evaluated in place (no TypeScript
 * loader needed under tsx or vitest).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 50');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy: next time */ }
}, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

export function startCheckpointer(file: string, intervalMs = 200): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file, intervalMs } });
  worker.unref();
  // A failed checkpointer only means the writer's backstop threshold applies.
  worker.on('error', () => {});
  return {
    stop: async () => {
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage('stop');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 1000))]);
      await worker.terminate();
    },
  };
}
