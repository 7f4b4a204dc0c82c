import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { AbstractTokenizer, EndOfStreamError, type IFileInfo, type IReadChunkOptions } from 'strtok3';

/**
 * One open file read with synchronous `pread`s through a small cache of
 * aligned blocks. Scan workers own their thread, so blocking reads cost a
 * system call each instead of a thread-pool round trip; the tag parser's
 * many small reads, the fingerprint's samples and the Ogg tail all come out
 * of the same few blocks, from one file descriptor opened once.
 */
/**
 * Block buffers of closed files, reused by the next: a scan opens thousands
 * of files one after another, and a fresh 16 KiB buffer per block is an
 * allocation outside the JS heap with a finalizer to run each.
 */
const spareBlocks: Buffer[] = [];
const SPARE_BLOCKS_KEPT = 32;

function takeBlock(): Buffer {
  return spareBlocks.pop() ?? Buffer.allocUnsafeSlow(CachedFile.BLOCK);
}

export class CachedFile {
  static readonly BLOCK = 16 * 1024;
  /** Reads this large go straight into the caller's buffer (e.g. a whole ID3v2 tag with its cover). */
  private static readonly DIRECT = 64 * 1024;
  private readonly blocks = new Map<number, Buffer>();
  /** The file's last bytes, read in one piece (see `cacheTail`). */
  private tail: { start: number; bytes: Buffer } | null = null;
  /** Whole block buffers this file holds, given back on close. */
  private readonly owned: Buffer[] = [];
  private closed = false;

  private constructor(
    private readonly fd: number,
    readonly size: number,
    /** Last modified, whole milliseconds (as the scanner's walk records it). */
    readonly mtimeMs: number,
  ) {}

  /** Opens a file for reading; throws the system error (ENOENT, EACCES, ELOOP…) as is. */
  static open(path: string): CachedFile {
    const fd = openSync(path, 'r');
    try {
      const stats = fstatSync(fd);
      if (stats.isDirectory()) throw Object.assign(new Error(`EISDIR: ${path}`), { code: 'EISDIR' });
      return new CachedFile(fd, stats.size, Math.trunc(stats.mtimeMs));
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /** Copies up to `length` bytes at `position` into `target`; fewer only at the end of the file. */
  read(target: Uint8Array, offset: number, length: number, position: number): number {
    const end = Math.min(position + length, this.size);
    if (end <= position) return 0;
    const tail = this.tail;
    if (tail && position >= tail.start) {
      target.set(tail.bytes.subarray(position - tail.start, end - tail.start), offset);
      return end - position;
    }
    if (end - position >= CachedFile.DIRECT) return this.readDirect(target, offset, end - position, position);
    let at = position;
    while (at < end) {
      const index = Math.floor(at / CachedFile.BLOCK);
      const block = this.block(index);
      const from = at - index * CachedFile.BLOCK;
      const count = Math.min(block.length - from, end - at);
      if (count <= 0) break;
      target.set(block.subarray(from, from + count), offset + (at - position));
      at += count;
    }
    return at - position;
  }

  /** `length` bytes at `position` (fewer at the end of the file), as a new buffer. */
  bytes(position: number, length: number): Buffer {
    const start = Math.max(0, Math.min(position, this.size));
    const out = Buffer.allocUnsafe(Math.max(0, Math.min(length, this.size - start)));
    return out.subarray(0, this.read(out, 0, out.length, start));
  }

  /**
   * Reads the last `length` bytes in one system call and keeps them: reads
   * there (the fingerprint's tail sample, ID3v1 and APE footers, the last
   * Ogg page) are served from it instead of two aligned blocks.
   */
  cacheTail(length: number): void {
    const start = Math.max(0, this.size - length);
    if (this.tail && this.tail.start <= start) return;
    const wanted = this.size - start;
    const buffer =
      wanted <= CachedFile.BLOCK ? this.own(takeBlock()).subarray(0, wanted) : Buffer.allocUnsafe(wanted);
    this.tail = { start, bytes: buffer.subarray(0, this.readDirect(buffer, 0, buffer.length, start)) };
    if (this.tail.bytes.length !== buffer.length) this.tail = null; // the file shrank: read through blocks
  }

  /**
   * `length` bytes at `position` (fewer at the end) in one read, not kept
   * for other reads: for bytes nothing else reads. A view valid until
   * `close()` (its buffer is reused after).
   */
  bytesOnce(position: number, length: number): Buffer {
    const start = Math.max(0, Math.min(position, this.size));
    const wanted = Math.max(0, Math.min(length, this.size - start));
    const out =
      wanted <= CachedFile.BLOCK ? this.own(takeBlock()).subarray(0, wanted) : Buffer.allocUnsafe(wanted);
    return out.subarray(0, this.readDirect(out, 0, out.length, start));
  }

  /**
   * As `bytes`, but without a copy when the range lies in the kept tail or
   * one cached block: a view valid until `close()`, for reading at once
   * (e.g. hashing).
   */
  view(position: number, length: number): Buffer {
    const start = Math.max(0, Math.min(position, this.size));
    const end = Math.min(start + length, this.size);
    const tail = this.tail;
    if (tail && start >= tail.start) return tail.bytes.subarray(start - tail.start, end - tail.start);
    const index = Math.floor(start / CachedFile.BLOCK);
    if (Math.floor(Math.max(start, end - 1) / CachedFile.BLOCK) === index) {
      const block = this.block(index);
      const from = start - index * CachedFile.BLOCK;
      if (from + (end - start) <= block.length) return block.subarray(from, from + (end - start));
    }
    return this.bytes(position, length);
  }

  /** Every block read so far, in file order: what the tag parser has looked at. */
  *readBlocks(): Iterable<{ offset: number; bytes: Buffer }> {
    for (const index of [...this.blocks.keys()].sort((a, b) => a - b)) {
      yield { offset: index * CachedFile.BLOCK, bytes: this.blocks.get(index)! };
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.blocks.clear();
    this.tail = null;
    // Nothing outside keeps a block: reads copy out of them.
    for (const buffer of this.owned.splice(0))
      if (spareBlocks.length < SPARE_BLOCKS_KEPT) spareBlocks.push(buffer);
    closeSync(this.fd);
  }

  private block(index: number): Buffer {
    let block = this.blocks.get(index);
    if (!block) {
      const start = index * CachedFile.BLOCK;
      const buffer = this.own(takeBlock()).subarray(
        0,
        Math.min(CachedFile.BLOCK, Math.max(0, this.size - start)),
      );
      block = buffer.subarray(0, this.readDirect(buffer, 0, buffer.length, start));
      this.blocks.set(index, block);
    }
    return block;
  }

  private own(buffer: Buffer): Buffer {
    this.owned.push(buffer);
    return buffer;
  }

  private readDirect(target: Uint8Array, offset: number, length: number, position: number): number {
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, target, offset + done, length - done, position + done);
      if (n === 0) break;
      done += n;
    }
    return done;
  }
}

/**
 * A random-access tokenizer for music-metadata over a `CachedFile`: the
 * parser's reads are served from the cache (or one synchronous read), so a
 * file costs a handful of system calls however many tokens it has.
 */
export class CachedFileTokenizer extends AbstractTokenizer {
  readonly fileInfo: IFileInfo & { size: number };

  constructor(
    private readonly file: CachedFile,
    path: string,
  ) {
    super();
    this.fileInfo = { path, size: file.size };
  }

  async readBuffer(buffer: Uint8Array, options?: IReadChunkOptions): Promise<number> {
    const normalized = this.normalizeOptions(buffer, options);
    this.position = normalized.position;
    const read = this.file.read(buffer, 0, normalized.length, normalized.position);
    this.position += read;
    if (!normalized.mayBeLess && read < normalized.length) throw new EndOfStreamError();
    return read;
  }

  async peekBuffer(buffer: Uint8Array, options?: IReadChunkOptions): Promise<number> {
    const normalized = this.normalizeOptions(buffer, options);
    const read = this.file.read(buffer, 0, normalized.length, normalized.position);
    if (!normalized.mayBeLess && read < normalized.length) throw new EndOfStreamError();
    return read;
  }

  setPosition(position: number): void {
    this.validateLength(position, 'position');
    this.position = position;
  }

  supportsRandomAccess(): boolean {
    return true;
  }
}
