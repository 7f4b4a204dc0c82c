import { aliasFor, type FilePath } from './paths';
import type { FoundFile } from './walk';
import type { ReadResult } from './worker-protocol';

/** Files to read, handed out in order as they are listed; `next()` waits for more until closed. */
export class FileFeed {
  private readonly files: FoundFile[] = [];
  private nextIndex = 0;
  private closed = false;
  private readonly waiting: ((file: FoundFile | undefined) => void)[] = [];

  push(file: FoundFile): void {
    const waiter = this.waiting.shift();
    if (waiter) waiter(file);
    else this.files.push(file);
  }

  close(): void {
    this.closed = true;
    for (const waiter of this.waiting.splice(0)) waiter(undefined);
  }

  next(): Promise<FoundFile | undefined> | FoundFile | undefined {
    if (this.nextIndex < this.files.length) return this.files[this.nextIndex++];
    if (this.closed) return undefined;
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}

export interface FeedReader {
  read(file: string): Promise<ReadResult>;
  aliasDir: string;
  /** Files asked for at once (default 1024). */
  window?: number;
}

/**
 * Reads every file the feed hands out, `window` at a time, until the feed
 * is closed and drained or the scan is cancelled; each result goes to
 * `onResult` as it arrives (none after a cancel).
 */
export async function readAll(
  feed: FileFeed,
  reader: FeedReader,
  abort: AbortSignal | undefined,
  onResult: (file: FoundFile, result: ReadResult) => void,
): Promise<void> {
  const lane = async () => {
    for (let file = await feed.next(); file && !abort?.aborted; file = await feed.next()) {
      const result = await reader.read(openablePath(file, reader.aliasDir));
      if (abort?.aborted) return;
      onResult(file, result);
    }
  };
  await Promise.all(Array.from({ length: reader.window ?? 1024 }, lane));
}

/** The path a reader can open: the file itself, or a link to it when its name is not UTF-8. */
export function openablePath(file: FilePath, aliasDir: string): string {
  return file.bytes ? aliasFor(aliasDir, file.bytes) : file.path;
}
