import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { defaultWorkerEntry, startWorker, type WorkerEntry } from '../../node/worker-entry';
import { PublicKeyCache, verifyWithKeyCache } from './ed25519-key-cache';

/**
 * Ed25519 verification of receipt batches on a small pool of worker
 * threads, so that signatures (the dominant CPU cost of settlement) are
 * checked on the other cores while the main thread parses, reads the
 * database and writes the settlement.
 *
 * A batch is cut into chunks. Workers take chunks from a FIFO shared by all
 * batches (at most two in flight each, so a worker never idles waiting for
 * the next message). The thread that submitted a batch, when it needs the
 * answer (`result()`), verifies itself whatever chunks of its batch no
 * worker has taken yet: with the pool busy or not started, nothing waits.
 * A worker that dies has its chunks verified on the main thread and is
 * replaced on the next batch (up to a limit; then the main thread does all).
 *
 * Workers start lazily on the first batch, so admin commands that never
 * settle anything start no threads.
 */
export interface SignatureJob {
  /** base64url of the device's 32-byte public key. */
  publicKey: string;
  message: Uint8Array;
  /** base64url of the 64-byte signature. */
  signature: string;
}

export interface SignatureCheck {
  /** One verdict per job, in order. */
  result(): Promise<boolean[]>;
}

/** Main → worker. */
export interface VerifyChunkTask {
  id: number;
  publicKeys: string[];
  signatures: string[];
  /** The messages back to back; message i ends at ends[i]. Transferred, not copied. */
  bytes: ArrayBuffer;
  ends: number[];
}
/** Worker → main: ok[i] = 1 when signature i verifies. */
export interface VerifyChunkReply {
  id: number;
  ok: Uint8Array;
}

export type { WorkerEntry };

export function defaultSignatureWorkerEntry(): WorkerEntry {
  return defaultWorkerEntry(import.meta.url, 'signature-worker');
}

/** Default pool size: the cores the main thread does not use, at least one. */
export function defaultPoolSize(): number {
  return Math.max(1, availableParallelism() - 1);
}

interface Batch {
  verdicts: boolean[];
  /** Chunks not yet answered (queued or at a worker). */
  open: number;
  done: Promise<void>;
  finish(): void;
}

interface Chunk {
  batch: Batch;
  start: number;
  jobs: SignatureJob[];
}

interface Slot {
  worker: Worker;
  ready: boolean;
  inFlight: Map<number, Chunk>;
}

const IN_FLIGHT_PER_WORKER = 2;
/** After this many worker deaths the pool stops starting workers (a broken install must not loop). */
const MAX_WORKER_FAILURES = 5;

export class SignaturePool {
  private readonly slots = new Set<Slot>();
  private readonly queue: Chunk[] = [];
  private readonly mainCache = new PublicKeyCache();
  private nextChunkId = 1;
  private failures = 0;
  private closed = false;
  /** Batches whose result() is awaited, oldest first: the submitting thread helps only the first. */
  private readonly waiting: Batch[] = [];
  private headChanged: Promise<void>;
  private signalHead!: () => void;
  /** Signatures verified so far, by the workers and by the submitting thread (benchmark, tests). */
  readonly stats = { byWorkers: 0, byCaller: 0 };

  constructor(
    private readonly options: {
      /** Worker threads; 0 verifies everything on the calling thread. */
      size: number;
      /** Signatures per message to a worker. */
      chunkSize?: number;
      entry?: WorkerEntry;
      onWorkerError?: (error: unknown) => void;
    },
  ) {
    this.headChanged = new Promise((resolve) => (this.signalHead = resolve));
  }

  private nextHead(): void {
    this.signalHead();
    this.headChanged = new Promise((resolve) => (this.signalHead = resolve));
  }

  submit(jobs: SignatureJob[]): SignatureCheck {
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const batch: Batch = { verdicts: new Array<boolean>(jobs.length).fill(false), open: 0, done, finish };
    const chunkSize = this.options.chunkSize ?? 10;
    for (let start = 0; start < jobs.length; start += chunkSize) {
      this.queue.push({ batch, start, jobs: jobs.slice(start, start + chunkSize) });
      batch.open++;
    }
    if (batch.open === 0) finish();
    this.ensureWorkers();
    this.dispatch();
    return {
      result: async () => {
        this.waiting.push(batch);
        try {
          // Only the oldest waiting batch is helped, one chunk at a time from
          // its back, yielding between chunks (the workers' answers come in and
          // they take the next chunks from the front). Helping every waiting
          // batch at once would turn this thread into a second verifier while
          // the oldest batch, whose database work could start, still waits.
          while (batch.open > 0) {
            const chunk = this.waiting[0] === batch ? this.takeQueued(batch) : undefined;
            if (chunk) {
              this.verifyHere(chunk);
              if (this.slots.size > 0) await new Promise((resolve) => setImmediate(resolve));
            } else {
              await Promise.race([batch.done, this.headChanged]);
            }
          }
          return batch.verdicts;
        } finally {
          const at = this.waiting.indexOf(batch);
          this.waiting.splice(at, 1);
          if (at === 0) this.nextHead();
        }
      },
    };
  }

  /** Workers running and ready (for tests and the benchmark). */
  get readyWorkers(): number {
    return [...this.slots].filter((s) => s.ready).length;
  }

  /** Starts the workers now and resolves when they are ready (else they start on the first batch). */
  async warmUp(): Promise<void> {
    this.ensureWorkers();
    while (!this.closed && this.slots.size > 0 && this.readyWorkers < this.slots.size)
      await new Promise((r) => setTimeout(r, 5));
  }

  async close(): Promise<void> {
    this.closed = true;
    const slots = [...this.slots];
    this.slots.clear();
    for (const slot of slots) for (const chunk of slot.inFlight.values()) this.verifyHere(chunk);
    await Promise.all(slots.map((s) => s.worker.terminate()));
    // Anything still queued is verified by its batch's result() call.
  }

  private ensureWorkers(): void {
    while (!this.closed && this.slots.size < this.options.size && this.failures < MAX_WORKER_FAILURES) {
      const slot: Slot = {
        worker: startWorker(this.options.entry ?? defaultSignatureWorkerEntry()),
        ready: false,
        inFlight: new Map(),
      };
      // The pool must never keep a process alive on its own.
      slot.worker.unref();
      slot.worker.on('message', (message: VerifyChunkReply | { ready: true }) => {
        if ('ready' in message) {
          slot.ready = true;
          this.dispatch();
          return;
        }
        const chunk = slot.inFlight.get(message.id);
        if (!chunk) return;
        slot.inFlight.delete(message.id);
        for (let i = 0; i < chunk.jobs.length; i++)
          chunk.batch.verdicts[chunk.start + i] = message.ok[i] === 1;
        this.stats.byWorkers += chunk.jobs.length;
        this.chunkDone(chunk);
        this.dispatch();
      });
      const fail = (error: unknown) => {
        if (!this.slots.delete(slot)) return;
        this.failures++;
        if (!this.closed) this.options.onWorkerError?.(error);
        // Its chunks are verified here so that no batch waits on a dead thread.
        for (const chunk of slot.inFlight.values()) this.verifyHere(chunk);
        slot.inFlight.clear();
        void slot.worker.terminate();
      };
      slot.worker.on('error', fail);
      slot.worker.on('exit', (code) => fail(new Error(`signature worker exited with ${code}`)));
      this.slots.add(slot);
    }
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      while (slot.ready && slot.inFlight.size < IN_FLIGHT_PER_WORKER && this.queue.length) {
        const chunk = this.queue.shift()!;
        const id = this.nextChunkId++;
        const total = chunk.jobs.reduce((n, j) => n + j.message.byteLength, 0);
        const bytes = new Uint8Array(total);
        const ends: number[] = [];
        let at = 0;
        for (const job of chunk.jobs) {
          bytes.set(job.message, at);
          at += job.message.byteLength;
          ends.push(at);
        }
        const task: VerifyChunkTask = {
          id,
          publicKeys: chunk.jobs.map((j) => j.publicKey),
          signatures: chunk.jobs.map((j) => j.signature),
          bytes: bytes.buffer,
          ends,
        };
        slot.inFlight.set(id, chunk);
        slot.worker.postMessage(task, [bytes.buffer]);
      }
    }
  }

  /** The last chunk of this batch that no worker has taken yet. */
  private takeQueued(batch: Batch): Chunk | undefined {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i]!.batch === batch) return this.queue.splice(i, 1)[0];
    }
    return undefined;
  }

  private verifyHere(chunk: Chunk): void {
    chunk.jobs.forEach((job, i) => {
      chunk.batch.verdicts[chunk.start + i] = verifyWithKeyCache(
        this.mainCache,
        job.publicKey,
        job.message,
        job.signature,
      );
    });
    this.stats.byCaller += chunk.jobs.length;
    this.chunkDone(chunk);
  }

  private chunkDone(chunk: Chunk): void {
    chunk.batch.open--;
    if (chunk.batch.open === 0) chunk.batch.finish();
  }
}
