import type { Clock } from '../../core/clock';
import type { LibraryWriter } from './library-writer';
import type { ReadResult } from './worker-protocol';

export interface ScanFolder {
  id: number;
  path: string;
}

export interface ScanProgress {
  done: number;
  total: number;
  /** Files per second since the scan started. */
  rate: number;
  currentFolder: string | null;
  phase: 'listing' | 'reading' | 'finishing';
}

export interface ScanSummary {
  /** Audio files found (tracks and problems). */
  files: number;
  added: number;
  updated: number;
  moved: number;
  missing: number;
  failed: number;
  /** Unchanged files not read again. */
  skipped: number;
  /** Folders whose root was not reachable: their tracks were kept, marked unavailable. */
  unavailableFolders: string[];
  cancelled: boolean;
  ms: number;
}

export interface ScanOptions {
  writer: LibraryWriter;
  folders: ScanFolder[];
  read(file: string): Promise<ReadResult>;
  clock: Clock;
  /** Where links to files with non-UTF-8 names are kept. */
  aliasDir: string;
  signal?: AbortSignal;
  onProgress?(progress: ScanProgress): void;
  /** Files asked for at once (default 1024): enough to keep every worker's queue full; the pool bounds the real concurrency. */
  window?: number;
  /** Files per commit (default 2000). */
  batchSize?: number;
}

export function emptySummary(): ScanSummary {
  return {
    files: 0,
    added: 0,
    updated: 0,
    moved: 0,
    missing: 0,
    failed: 0,
    skipped: 0,
    unavailableFolders: [],
    cancelled: false,
    ms: 0,
  };
}
