import type { Worker } from 'node:worker_threads';
import { defaultWorkerEntry, startWorker, type WorkerEntry } from '../../../../node/worker-entry';
import type { ReadResult, WorkerReplyMessage, WorkerTask } from './worker-protocol';

/** Where the scan worker's code is (see `WorkerEntry`); hosts may inject it. */
export type ScanWorkerEntry = WorkerEntry;

/** The scan worker next to this file: its built JavaScript, or its TypeScript source when running from source. */
export function defaultScanWorkerEntry(): ScanWorkerEntry {
  return defaultWorkerEntry(import.meta.url, 'scan-worker');
}

export const startScanWorker = (entry: ScanWorkerEntry): Worker => startWorker(entry);

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
    if (this.closed)
      return Promise.resolve({ ok: false, reason: 'crashed', detail: 'The scanner was stopped.' });
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
        pending.resolve(
          reply.ok
            ? { ok: true, info: reply.info }
            : { ok: false, reason: reply.reason, detail: reply.detail },
        );
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
    slot.timer = setInterval(
      () => this.checkTimeouts(slot),
      Math.max(50, Math.min(1000, this.options.timeoutMs / 4)),
    );
    slot.timer.unref();
    return slot;
  }

  /** Only the file being read (the oldest sent and unanswered) can have hung its worker. */
  private checkTimeouts(slot: Slot): void {
    if (!slot.ready) return;
    const head = slot.inFlight.values().next().value;
    if (head?.startedAt !== undefined && performance.now() - head.startedAt > this.options.timeoutMs) {
      this.replace(
        slot,
        head,
        `Reading the file took longer than ${Math.round(this.options.timeoutMs / 1000)} s.`,
      );
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
        if (
          slot.inFlight.size < this.options.inFlightPerWorker &&
          (!best || slot.inFlight.size < best.inFlight.size)
        )
          best = slot;
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
