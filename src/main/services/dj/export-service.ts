import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, stat, statfs, unlink, utimes, writeFile } from 'node:fs/promises';
import type { StatsFs } from 'node:fs';
import { createHash, randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { CallError } from '../../../shared/contract/define';
import type { DjList, ExportStatus } from '../../../shared/contract/dj';
import { DEFAULT_FILE_NAME_PATTERN, sanitizeFileStem } from './file-names';
import { writeM3u8 } from './playlist-files';
import { FileProblem, readAudioFile, type AudioFileInfo } from '../library/tags/read-audio-file';
import { rekordboxXml } from './rekordbox-xml';
import {
  planFileNames,
  playlistEntries,
  rekordboxTracks,
  type ExportSource,
  type Manifest,
  type ManifestEntry,
  type PlannedFile,
  type PresentFile,
} from './export-plan';

export type { ExportSource } from './export-plan';

/**
 * Exports a crate, playlist or smart playlist to a folder or USB drive:
 *
 *   <destination>/<List name>/
 *     <List name>.m3u8          relative paths, #EXTINF lines
 *     rekordbox.xml             DJ_PLAYLISTS collection + one playlist
 *     .resonate-export.json     manifest: which track became which file
 *     Music/<Artist> - <Title>.<ext>
 *
 * Resumable: a file is copied to `<name>.part` and renamed when whole, and
 * the manifest is updated after each file, so a second run (after a cancel,
 * a crash or a pulled stick) skips identical files and keeps names stable.
 * Free space is checked before anything is copied.
 */

const MANIFEST = '.resonate-export.json';
const MUSIC_FOLDER = 'Music';
/** Room left on the drive beyond the files, for the playlists and the file system's own needs. */
const SPACE_MARGIN = 1024 * 1024;
const FAT_MAGIC = 0x4d44; // msdos / vfat: no file of 4 GiB or more
const FAT_MAX_FILE = 4 * 1024 ** 3 - 1;
const PROGRESS_INTERVAL_MS = 200;

export interface ExportDeps {
  clock: Clock;
  logger: Logger;
  appVersion: string;
  onProgress(status: ExportStatus): void;
}

export class ExportJob {
  readonly status: ExportStatus;
  readonly done: Promise<ExportStatus>;
  private readonly abort = new AbortController();
  private lastEmit = -Infinity;

  constructor(
    private readonly deps: ExportDeps,
    list: DjList,
    destination: string,
    sources: ExportSource[],
    /** How audio files are named, e.g. `{artist} - {title}` or `{bpm} {key} - {artist} - {title}` (see file-names.ts). */
    private readonly fileNamePattern: string = DEFAULT_FILE_NAME_PATTERN,
  ) {
    const folder = join(destination, sanitizeFileStem(list.name));
    this.status = {
      jobId: randomUUID(),
      listId: list.id,
      folder,
      state: 'preparing',
      filesTotal: 0,
      filesDone: 0,
      filesSkipped: 0,
      bytesTotal: 0,
      bytesDone: 0,
      currentFile: null,
      problems: [],
      error: null,
      playlistFile: null,
      rekordboxXmlFile: null,
    };
    this.done = this.run(list, destination, sources).then(
      () => this.finish('done', null),
      (error: unknown) => {
        if (this.abort.signal.aborted) return this.finish('cancelled', null);
        const message = error instanceof Error ? error.message : String(error);
        this.deps.logger.warn({ err: error, folder }, 'export failed');
        return this.finish('failed', message);
      },
    );
  }

  cancel(): void {
    this.abort.abort();
  }

  private finish(state: ExportStatus['state'], error: string | null): ExportStatus {
    this.status.state = state;
    this.status.error = error;
    this.status.currentFile = null;
    this.emit(true);
    return { ...this.status, problems: [...this.status.problems] };
  }

  private emit(force = false): void {
    const now = this.deps.clock.monotonicMs();
    if (!force && now - this.lastEmit < PROGRESS_INTERVAL_MS) return;
    this.lastEmit = now;
    this.deps.onProgress({ ...this.status, problems: [...this.status.problems] });
  }

  /**
   * The export's stages, in order: the destination is there; the sources
   * whose file is whole are planned a stable name each; files already
   * there and identical are skipped; the rest fits in the free space and is
   * copied (the manifest updated after each); files no longer wanted go;
   * then the playlist files are written.
   */
  private async run(list: DjList, destination: string, sources: ExportSource[]): Promise<void> {
    await checkDestination(destination);
    const folder = this.status.folder;
    const musicFolder = join(folder, MUSIC_FOLDER);
    await mkdir(musicFolder, { recursive: true });
    const manifest = await readManifest(folder, list.id);
    const space = await statfs(destination);
    const present = await this.presentFiles(sources, space.type === FAT_MAGIC);
    const { planned, renamed } = planFileNames(present, manifest, this.fileNamePattern);
    const toCopy = await this.skipAlreadyCopied(planned, musicFolder, manifest);
    this.checkSpace(planned.length, toCopy, space);
    await this.copyAll(toCopy, folder, manifest);
    await removeUnwanted(planned, renamed, manifest, musicFolder);
    await writeManifest(folder, manifest);
    await this.writePlaylists(list, destination, planned);
  }

  /**
   * The sources with a whole audio file, in list order; each other source
   * becomes a problem saying why (no file, missing, too large for FAT32,
   * damaged since the scan).
   */
  private async presentFiles(sources: ExportSource[], onFat: boolean): Promise<PresentFile[]> {
    const present: PresentFile[] = [];
    const problem = (source: ExportSource, reason: string) =>
      this.status.problems.push({ label: source.label, reason });
    for (const source of sources) {
      if (!source.file) {
        problem(source, source.missingReason ?? 'no file');
        continue;
      }
      const s = await stat(source.file).catch(() => null);
      if (!s?.isFile()) {
        problem(source, 'the file is missing');
        continue;
      }
      if (onFat && s.size > FAT_MAX_FILE) {
        problem(source, 'larger than 4 GB, which FAT32 cannot hold');
        continue;
      }
      // Read as the scan reads it: a file cut short or damaged since the scan is not copied (it would be a Problem).
      const info = await readForExport(source.file);
      if (info instanceof FileProblem) {
        problem(source, info.message);
        continue;
      }
      present.push({
        source,
        file: source.file,
        size: s.size,
        mtimeMs: Math.trunc(s.mtimeMs),
        info,
      });
    }
    return present;
  }

  /** The planned files still to copy; those already there and identical are counted as skipped and kept in the manifest. */
  private async skipAlreadyCopied(
    planned: PlannedFile[],
    musicFolder: string,
    manifest: Manifest,
  ): Promise<PlannedFile[]> {
    const toCopy: PlannedFile[] = [];
    for (const p of planned) {
      const target = join(musicFolder, p.name);
      if (await isSameFile(p.file, target, p.size, p.mtimeMs, manifest.files[p.source.key])) {
        this.status.filesSkipped++;
        manifest.files[p.source.key] = manifestEntry(p);
      } else {
        toCopy.push(p);
      }
    }
    return toCopy;
  }

  /** Sets the totals; throws (before anything is copied) when the files to copy do not fit in the free space. */
  private checkSpace(filesTotal: number, toCopy: PlannedFile[], space: StatsFs): void {
    this.status.filesTotal = filesTotal;
    this.status.filesDone = this.status.filesSkipped;
    this.status.bytesTotal = toCopy.reduce((n, p) => n + p.size, 0);
    const free = Number(space.bavail) * Number(space.bsize);
    if (this.status.bytesTotal + SPACE_MARGIN > free) {
      throw new CallError(
        'unavailable',
        `Not enough space on the destination: ${mb(this.status.bytesTotal)} to copy, ${mb(free)} free`,
      );
    }
  }

  /** Copies each file whole, in order, writing the manifest after each (so a cancel or crash resumes); stops at a cancel. */
  private async copyAll(toCopy: PlannedFile[], folder: string, manifest: Manifest): Promise<void> {
    const signal = this.abort.signal;
    const musicFolder = join(folder, MUSIC_FOLDER);
    this.status.state = 'copying';
    this.emit(true);
    for (const p of toCopy) {
      signal.throwIfAborted();
      this.status.currentFile = p.name;
      await this.copy(p.file, join(musicFolder, p.name), p.mtimeMs, signal);
      manifest.files[p.source.key] = manifestEntry(p);
      await writeManifest(folder, manifest);
      this.status.filesDone++;
      this.emit();
    }
  }

  /** The list's m3u8 (relative paths) and rekordbox.xml (paths from the drive's root), each written atomically. */
  private async writePlaylists(list: DjList, destination: string, planned: PlannedFile[]): Promise<void> {
    const folder = this.status.folder;
    this.status.state = 'writing';
    this.status.currentFile = null;
    this.emit(true);
    const playlistFile = join(folder, `${sanitizeFileStem(list.name)}.m3u8`);
    await writeAtomically(playlistFile, writeM3u8(playlistEntries(planned, MUSIC_FOLDER)));
    this.status.playlistFile = playlistFile;
    const xmlFile = join(folder, 'rekordbox.xml');
    const tracks = rekordboxTracks(planned, await mountRoot(destination), join(folder, MUSIC_FOLDER));
    await writeAtomically(
      xmlFile,
      rekordboxXml({ productVersion: this.deps.appVersion, playlistName: list.name, tracks }),
    );
    this.status.rekordboxXmlFile = xmlFile;
  }

  /** Copies through `<target>.part`, counting bytes as they go; a cancel leaves no partial file. */
  private async copy(
    source: string | Buffer,
    target: string,
    mtimeMs: number,
    signal: AbortSignal,
  ): Promise<void> {
    const part = `${target}.part`;
    const counter = new Transform({
      transform: (chunk: Buffer, _encoding, callback) => {
        this.status.bytesDone += chunk.length;
        this.emit();
        callback(null, chunk);
      },
    });
    try {
      await pipeline(createReadStream(source), counter, createWriteStream(part), { signal });
      const time = new Date(mtimeMs);
      await utimes(part, time, time);
      await rename(part, target);
    } catch (error) {
      await unlink(part).catch(() => undefined);
      throw error;
    }
  }
}

async function checkDestination(destination: string): Promise<void> {
  const destinationStat = await stat(destination).catch(() => null);
  if (!destinationStat?.isDirectory())
    throw new CallError(
      'unavailable',
      `The destination ${destination} is not there (is the drive plugged in?)`,
    );
}

function manifestEntry(p: PlannedFile): ManifestEntry {
  return { name: p.name, size: p.size, sourceSize: p.size, sourceMtimeMs: p.mtimeMs };
}

/**
 * Files named by an earlier pattern (or renamed since), and files of
 * tracks no longer in the list, are removed (a file some track still has
 * is kept); the manifest forgets the tracks no longer in the list.
 */
async function removeUnwanted(
  planned: PlannedFile[],
  renamed: string[],
  manifest: Manifest,
  musicFolder: string,
): Promise<void> {
  const current = new Set(planned.map((p) => p.name.toLowerCase()));
  for (const name of renamed)
    if (!current.has(name.toLowerCase())) await unlink(join(musicFolder, name)).catch(() => undefined);
  const keep = new Set(planned.map((p) => p.source.key));
  for (const [key, entry] of Object.entries(manifest.files)) {
    if (keep.has(key)) continue;
    await unlink(join(musicFolder, entry.name)).catch(() => undefined);
    delete manifest.files[key];
  }
}

/**
 * A target counts as already copied when its size matches and either the
 * manifest says it came from this very source (same size and mtime), or —
 * with no manifest entry — its bytes are the same.
 */
async function isSameFile(
  source: string | Buffer,
  target: string,
  size: number,
  mtimeMs: number,
  earlier: ManifestEntry | undefined,
): Promise<boolean> {
  const t = await stat(target).catch(() => null);
  if (!t?.isFile() || t.size !== size) return false;
  if (earlier && earlier.sourceSize === size && earlier.sourceMtimeMs === mtimeMs) return true;
  const [a, b] = await Promise.all([hashFile(source), hashFile(target)]);
  return a === b;
}

async function hashFile(file: string | Buffer): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

async function readManifest(folder: string, listId: number): Promise<Manifest> {
  try {
    const parsed = JSON.parse(await readFile(join(folder, MANIFEST), 'utf8')) as Manifest;
    if (parsed.version === 1 && parsed.files && typeof parsed.files === 'object')
      return { ...parsed, listId };
  } catch {
    // No manifest (first run) or a damaged one: start afresh; identical files are still found by content.
  }
  return { version: 1, listId, files: {} };
}

async function writeManifest(folder: string, manifest: Manifest): Promise<void> {
  await writeAtomically(join(folder, MANIFEST), JSON.stringify(manifest, null, 1));
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const temp = `${file}.tmp`;
  await writeFile(temp, text, 'utf8');
  await rename(temp, file);
}

/** The file's tags and format, or why it is not whole audio (a Buffer path, not UTF-8, is not read: null). */
async function readForExport(file: string | Buffer): Promise<AudioFileInfo | FileProblem | null> {
  if (typeof file !== 'string') return null;
  try {
    return await readAudioFile(file);
  } catch (error) {
    return error instanceof FileProblem ? error : new FileProblem('corrupt', String(error));
  }
}

/** The root of the file system `dir` is on (a USB stick's mount point): the last parent on the same device. */
async function mountRoot(dir: string): Promise<string> {
  let current = dir;
  const device = (await stat(current)).dev;
  for (;;) {
    const parent = dirname(current);
    if (parent === current) return current;
    const parentStat = await stat(parent).catch(() => null);
    if (!parentStat || parentStat.dev !== device) return current;
    current = parent;
  }
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
