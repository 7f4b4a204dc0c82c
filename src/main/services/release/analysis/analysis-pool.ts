import type { Worker } from 'node:worker_threads';
import { defaultWorkerEntry, startWorker, type WorkerEntry } from '../../../../node/worker-entry';
import type { TrackAnalysis } from '../../library/analysis/analyze-track';
import type { AudioAnalysis } from './analyze-audio';

/**
 * One worker thread that measures audio files in turn, so decoding never
 * blocks the main process. Never rejects: a file that hangs or crashes the
 * worker answers `measured: false`, and the worker is replaced.
 */
export interface AnalysisTask {
  id: number;
  file: string;
  /** `release`: loudness and peaks for the release checks (default); `track`: also tempo and key, for the library. */
  kind?: 'release' | 'track';
}
type AnyAnalysis = AudioAnalysis | TrackAnalysis;
export interface AnalysisReply {
  id: number;
  analysis: AnyAnalysis;
}

/** Where the analysis worker's code is (see `WorkerEntry`); hosts may inject it. */
export type AnalysisWorkerEntry = WorkerEntry;

/** The analysis worker next to this file: its built JavaScript, or its TypeScript source when running from source. */
export function defaultAnalysisWorkerEntry(): AnalysisWorkerEntry {
  return defaultWorkerEntry(import.meta.url, 'analysis-worker');
}

interface Pending {
  task: AnalysisTask;
  resolve(analysis: AnyAnalysis): void;
}

export class AnalysisPool {
  private worker: Worker | null = null;
  private readonly queue: Pending[] = [];
  private current: Pending | null = null;
  private timer: NodeJS.Timeout | null = null;
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly entry: AnalysisWorkerEntry = defaultAnalysisWorkerEntry(),
    /** A file that takes longer is given up on (a 30-minute FLAC takes well under a minute). */
    private readonly timeoutMs = 5 * 60_000,
  ) {}

  analyze(file: string): Promise<AudioAnalysis> {
    return this.run(file, 'release') as Promise<AudioAnalysis>;
  }

  /** Loudness, peaks, tempo and key of a library track (see `analyzeTrack`). */
  analyzeTrack(file: string): Promise<TrackAnalysis> {
    return this.run(file, 'track') as Promise<TrackAnalysis>;
  }

  /** Tasks queued or running. */
  get pending(): number {
    return this.queue.length + (this.current ? 1 : 0);
  }

  private run(file: string, kind: 'release' | 'track'): Promise<AnyAnalysis> {
    if (this.closed)
      return Promise.resolve({ measured: false, reason: 'corrupt', detail: 'the analysis was stopped' });
    return new Promise((resolve) => {
      this.queue.push({ task: { id: this.nextId++, file, kind }, resolve });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const stopped: AnyAnalysis = { measured: false, reason: 'corrupt', detail: 'the analysis was stopped' };
    for (const p of this.queue.splice(0)) p.resolve(stopped);
    this.finish(stopped);
    await this.stopWorker();
  }

  private pump(): void {
    if (this.current || this.closed) return;
    const next = this.queue.shift();
    if (!next) return;
    this.current = next;
    this.ensureWorker().postMessage(next.task);
    this.timer = setTimeout(() => {
      this.finish({
        measured: false,
        reason: 'corrupt',
        detail: `gave up after ${Math.round(this.timeoutMs / 1000)} s`,
      });
      void this.stopWorker().then(() => this.pump());
    }, this.timeoutMs);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = startWorker(this.entry);
    worker.on('message', (reply: AnalysisReply) => {
      if (this.current?.task.id !== reply.id) return;
      this.finish(reply.analysis);
      this.pump();
    });
    const crashed = (detail: string) => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.finish({ measured: false, reason: 'corrupt', detail });
      this.pump();
    };
    worker.on('error', (error) => crashed(`the decoder crashed: ${error.message}`));
    worker.on('exit', (code) => crashed(`the decoder stopped (exit ${code})`));
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private finish(analysis: AnyAnalysis): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const current = this.current;
    this.current = null;
    current?.resolve(analysis);
  }

  private async stopWorker(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }
}
