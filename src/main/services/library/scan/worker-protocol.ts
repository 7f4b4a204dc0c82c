import type { AudioFileInfo, ProblemReason } from '../tags/read-audio-file';

/**
 * Messages between the scanner and its worker threads. Both directions
 * carry arrays: the pool sends files in batches and a worker answers
 * several files per message, so a scan of 10,000 files costs hundreds of
 * messages, not 20,000. A worker reads its files in the order received.
 */
export interface WorkerTask {
  id: number;
  /** A path the worker can open (for non-UTF-8 names, an alias link). */
  file: string;
}

export type WorkerReply =
  | { id: number; ok: true; info: AudioFileInfo }
  | { id: number; ok: false; reason: ProblemReason; detail: string };

/** pool → worker */
export type WorkerTaskMessage = WorkerTask[];
/** worker → pool: `'ready'` once loaded, then batches of replies. */
export type WorkerReplyMessage = 'ready' | WorkerReply[];

export type ReadResult =
  { ok: true; info: AudioFileInfo } | { ok: false; reason: ProblemReason; detail: string };
