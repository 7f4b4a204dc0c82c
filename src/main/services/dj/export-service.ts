import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, stat, statfs, unlink, utimes, writeFile } from 'node:fs/promises';
import { createHash, randomUUID } from 'node:crypto';
import { dirname, extname, join, relative, sep } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { CallError } from '../../../shared/contract/define';
import type { DjList, ExportStatus } from '../../../shared/contract/dj';
import { formatKey, parseKey } from '../../../shared/musical-key';
import {
  DEFAULT_FILE_NAME_PATTERN,
  MAX_STEM,
  NameAllocator,
  renderFileStem,
  sanitizeFileStem,
} from './file-names';
import { writeM3u8 } from './playlist-files';
import { FileProblem, readAudioFile, type AudioFileInfo } from '../library/tags/read-audio-file';
import { rekordboxKind, rekordboxXml, type RekordboxTrack } from './rekordbox-xml';

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

/** One track to export, resolved by the domain from a list's items. */
export interface ExportSource {
  /** Stable key for the manifest, e.g. `local:12` or `coop:abc`. */
  key: string;
  label: string;
  title: string;
  artist: string;
  album: string;
  genre: string;
  durationMs: number;
  bpm: number | null;
  /** The key as the tag has it, any notation. */
  tagKey: string | null;
  year: number | null;
  /** When it entered the library (local tracks). */
  addedAt?: number | null;
  /** The audio file to copy; null with a reason when there is none. */
  file: string | Buffer | null;
  missingReason?: string;
}

interface ManifestEntry {
  name: string;
  size: number;
  sourceSize: number;
  sourceMtimeMs: number;
}
interface Manifest {
  version: 1;
  listId: number;
  /** The file-name pattern the names were made with (absent: the default). */
  pattern?: string;
  files: Record<string, ManifestEntry>;
}

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

  private async run(list: DjList, destination: string, sources: ExportSource[]): Promise<void> {
    const signal = this.abort.signal;
    const destinationStat = await stat(destination).catch(() => null);
    if (!destinationStat?.isDirectory())
      throw new CallError(
        'unavailable',
        `The destination ${destination} is not there (is the drive plugged in?)`,
      );
    const folder = this.status.folder;
    const musicFolder = join(folder, MUSIC_FOLDER);
    await mkdir(musicFolder, { recursive: true });
    const manifest = await readManifest(folder, list.id);
    const space = await statfs(destination);

    // Plan: a stable file name per track (from an earlier run when there was one).
    const names = new NameAllocator();
    const present: { source: ExportSource; size: number; mtimeMs: number; info: AudioFileInfo | null }[] = [];
    for (const source of sources) {
      if (!source.file) {
        this.status.problems.push({ label: source.label, reason: source.missingReason ?? 'no file' });
        continue;
      }
      const s = await stat(source.file).catch(() => null);
      if (!s?.isFile()) {
        this.status.problems.push({ label: source.label, reason: 'the file is missing' });
        continue;
      }
      if (space.type === FAT_MAGIC && s.size > FAT_MAX_FILE) {
        this.status.problems.push({
          label: source.label,
          reason: 'larger than 4 GB, which FAT32 cannot hold',
        });
        continue;
      }
      // Read as the scan reads it: a file cut short or damaged since the scan is not copied (it would be a Problem).
      const info = await readForExport(source.file);
      if (info instanceof FileProblem) {
        this.status.problems.push({ label: source.label, reason: info.message });
        continue;
      }
      present.push({ source, size: s.size, mtimeMs: Math.trunc(s.mtimeMs), info });
    }
    // Names made with another pattern are not kept: those files are renamed
    // (copied anew, the old ones removed once the new ones are whole).
    const pattern = this.fileNamePattern;
    const samePattern = (manifest.pattern ?? DEFAULT_FILE_NAME_PATTERN) === pattern;
    const renamed: string[] = samePattern ? [] : Object.values(manifest.files).map((e) => e.name);
    if (!samePattern) manifest.files = {};
    manifest.pattern = pattern;
    const stems = present.map((p, i) => {
      const s = p.source;
      const key = s.tagKey ? parseKey(s.tagKey) : null;
      const stem = renderFileStem(pattern, {
        artist: s.artist,
        title: s.title,
        album: s.album,
        genre: s.genre,
        year: s.year,
        bpm: s.bpm === null ? null : Math.round(s.bpm),
        key: key ? formatKey(key, 'camelot') : null,
        musicalKey: key ? formatKey(key, 'musical') : null,
        n: String(i + 1).padStart(String(present.length).length, '0'),
      });
      return stem || s.title;
    });
    // An earlier run's name is kept while the track would still get it (so a
    // "(2)" stays with its track); a changed tag or position renames the file.
    const planned = present.map((p, i) => {
      const earlier = manifest.files[p.source.key];
      const fits = earlier !== undefined && nameFitsStem(earlier.name, stems[i]!);
      return {
        ...p,
        name: earlier && fits && names.reserve(earlier.name) ? earlier.name : (null as string | null),
      };
    });
    planned.forEach((p, i) => {
      if (p.name === null)
        p.name = names.allocate(
          stems[i]!,
          extname(typeof p.source.file === 'string' ? p.source.file : p.source.file!.toString('latin1')),
        );
    });
    for (const [key, entry] of Object.entries(manifest.files)) {
      // Files whose track now gets another name are replaced by the new one.
      const p = planned.find((x) => x.source.key === key);
      if (p && p.name !== entry.name) renamed.push(entry.name);
    }

    // Which files are already there, identical, from an earlier run.
    const toCopy: typeof planned = [];
    for (const p of planned) {
      const target = join(musicFolder, p.name!);
      if (await isSameFile(p.source.file!, target, p.size, p.mtimeMs, manifest.files[p.source.key])) {
        this.status.filesSkipped++;
        manifest.files[p.source.key] = {
          name: p.name!,
          size: p.size,
          sourceSize: p.size,
          sourceMtimeMs: p.mtimeMs,
        };
      } else {
        toCopy.push(p);
      }
    }
    this.status.filesTotal = planned.length;
    this.status.filesDone = this.status.filesSkipped;
    this.status.bytesTotal = toCopy.reduce((n, p) => n + p.size, 0);
    const free = Number(space.bavail) * Number(space.bsize);
    if (this.status.bytesTotal + SPACE_MARGIN > free) {
      throw new CallError(
        'unavailable',
        `Not enough space on the destination: ${mb(this.status.bytesTotal)} to copy, ${mb(free)} free`,
      );
    }

    this.status.state = 'copying';
    this.emit(true);
    for (const p of toCopy) {
      signal.throwIfAborted();
      this.status.currentFile = p.name;
      await this.copy(p.source.file!, join(musicFolder, p.name!), p.mtimeMs, signal);
      manifest.files[p.source.key] = {
        name: p.name!,
        size: p.size,
        sourceSize: p.size,
        sourceMtimeMs: p.mtimeMs,
      };
      await writeManifest(folder, manifest);
      this.status.filesDone++;
      this.emit();
    }

    // Files named by an earlier pattern, and files of tracks no longer in the list, go.
    const current = new Set(planned.map((p) => p.name!.toLowerCase()));
    for (const name of renamed)
      if (!current.has(name.toLowerCase())) await unlink(join(musicFolder, name)).catch(() => undefined);
    const keep = new Set(planned.map((p) => p.source.key));
    for (const [key, entry] of Object.entries(manifest.files)) {
      if (keep.has(key)) continue;
      await unlink(join(musicFolder, entry.name)).catch(() => undefined);
      delete manifest.files[key];
    }
    await writeManifest(folder, manifest);

    this.status.state = 'writing';
    this.status.currentFile = null;
    this.emit(true);
    const listStem = sanitizeFileStem(list.name);
    const playlistFile = join(folder, `${listStem}.m3u8`);
    await writeAtomically(
      playlistFile,
      writeM3u8(
        planned.map((p) => ({
          relativePath: `${MUSIC_FOLDER}/${p.name!}`,
          durationSeconds: p.source.durationMs / 1000,
          artist: p.source.artist,
          title: p.source.title,
        })),
      ),
    );
    this.status.playlistFile = playlistFile;
    const xmlFile = join(folder, 'rekordbox.xml');
    const driveRoot = await mountRoot(destination);
    const tracks: RekordboxTrack[] = planned.map((p, i) => {
      const key = p.source.tagKey ? parseKey(p.source.tagKey) : null;
      return {
        trackId: i + 1,
        name: p.source.title,
        artist: p.source.artist,
        album: p.source.album,
        genre: p.source.genre,
        kind: rekordboxKind(extname(p.name!)),
        sizeBytes: p.size,
        totalTimeSeconds: p.source.durationMs / 1000,
        bpm: p.source.bpm,
        tonality: key ? formatKey(key, 'musical') : null,
        year: p.source.year ?? p.info?.year ?? null,
        trackNumber: p.info?.trackNo ?? null,
        bitRateKbps: p.info?.bitrate ? Math.round(p.info.bitrate / 1000) : null,
        sampleRate: p.info?.sampleRate ?? null,
        dateAdded: p.source.addedAt ?? null,
        comments: p.info?.comment ?? '',
        pathOnDrive: `/${relative(driveRoot, join(musicFolder, p.name!)).split(sep).join('/')}`,
      };
    });
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

/** Whether a file name is what `NameAllocator` makes of this stem: the stem itself, or the stem and " (n)". */
function nameFitsStem(name: string, stem: string): boolean {
  const base = name.replace(/\.[^.]*$/, '').toLowerCase();
  if (base === sanitizeFileStem(stem).toLowerCase()) return true;
  const short = sanitizeFileStem(stem, MAX_STEM - 6).toLowerCase();
  return base.startsWith(short) && /^ \(\d+\)$/.test(base.slice(short.length));
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
