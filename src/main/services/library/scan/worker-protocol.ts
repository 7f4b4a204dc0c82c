import type { AudioFileInfo, ProblemReason } from '../tags/read-audio-file';

/** Messages between the scanner and its worker threads. */
export interface WorkerTask {
  id: number;
  /** A path the worker can open (for non-UTF-8 names, an alias link). */
  file: string;
}

export type WorkerReply =
  | { id: number; ok: true; info: AudioFileInfo }
  | { id: number; ok: false; reason: ProblemReason; detail: string };

export type ReadResult =
  | { ok: true; info: AudioFileInfo }
  | { ok: false; reason: ProblemReason; detail: string };
