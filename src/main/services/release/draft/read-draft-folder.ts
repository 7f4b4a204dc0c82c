import { readdir, stat, open } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { parseFile } from 'music-metadata';
import { imageSize } from '../artwork/image-size';

/**
 * Reads a release folder: its audio files (and those one level down, for
 * `CD1/`, `Disc 2/` layouts), their tags, and the artwork a catalog would
 * show. Reads headers only; the audio is measured later, in a worker.
 */
export const AUDIO_EXTENSIONS = new Set([
  '.mp3',
  '.flac',
  '.ogg',
  '.oga',
  '.opus',
  '.m4a',
  '.mp4',
  '.aac',
  '.wav',
  '.aif',
  '.aiff',
  '.wma',
]);
const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.gif']);
/** Folder cover names players and stores look for, best first. */
const COVER_NAMES = ['cover', 'folder', 'front', 'album', 'artwork'];

export interface DraftFile {
  file: string;
  /** Relative to the release folder, for display and ordering. */
  fileName: string;
  title: string;
  artist: string;
  albumArtist: string;
  album: string;
  trackNo: number | null;
  trackOf: number | null;
  discNo: number | null;
  year: number | null;
  durationMs: number;
  codec: string;
  lossless: boolean;
  bitrate: number | null;
  sampleRate: number | null;
  bitsPerSample: number | null;
  channels: number | null;
  readError: string | null;
  embeddedArt: ArtworkFound | null;
}

export interface ArtworkFound {
  source: 'embedded' | 'folder';
  /** Folder covers only. */
  file: string | null;
  format: 'png' | 'jpeg' | 'other';
  width: number | null;
  height: number | null;
  bytes: number;
  /** The picture itself, for embedded art only (a folder cover is served from its file). */
  data: Uint8Array | null;
}

export interface DraftFolder {
  folder: string;
  files: DraftFile[];
  /** The artwork shown: the first embedded picture in release order, else the folder cover. */
  artwork: ArtworkFound | null;
}

async function listAudioFiles(folder: string, depth = 0): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const found: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const full = join(folder, e.name);
    if (e.isDirectory() && depth === 0) found.push(...(await listAudioFiles(full, 1)));
    else if (e.isFile() && AUDIO_EXTENSIONS.has(extname(e.name).toLowerCase())) found.push(full);
  }
  return found;
}

function describeImage(bytes: Uint8Array, source: ArtworkFound['source'], file: string | null): ArtworkFound {
  const info = imageSize(bytes);
  return {
    source,
    file,
    format: info?.format ?? 'other',
    width: info?.width ?? null,
    height: info?.height ?? null,
    bytes: bytes.length,
    data: source === 'embedded' ? bytes : null,
  };
}

const clean = (s: string | undefined | null) => (s ?? '').replace(/\0/g, '').trim();
const positiveInt = (n: number | null | undefined) =>
  typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : null;

async function readDraftFile(folder: string, file: string): Promise<DraftFile> {
  const fileName = file.slice(folder.length + 1);
  try {
    // duration: true reads MP3s without a length header to the end; exact durations matter for the 45 s rule.
    const { common, format } = await parseFile(file, { duration: true, skipCovers: false });
    const picture = common.picture?.find((p) => /front/i.test(p.type ?? '')) ?? common.picture?.[0];
    return {
      file,
      fileName,
      title: clean(common.title),
      artist: clean(common.artist),
      albumArtist: clean(common.albumartist),
      album: clean(common.album),
      trackNo: positiveInt(common.track?.no),
      trackOf: positiveInt(common.track?.of),
      discNo: positiveInt(common.disk?.no),
      year: positiveInt(common.year),
      durationMs:
        format.duration && Number.isFinite(format.duration) ? Math.round(format.duration * 1000) : 0,
      codec: clean(format.codec) || clean(format.container),
      lossless: format.lossless === true,
      bitrate: format.bitrate && Number.isFinite(format.bitrate) ? Math.round(format.bitrate) : null,
      sampleRate: format.sampleRate ?? null,
      bitsPerSample: format.bitsPerSample ?? null,
      channels: format.numberOfChannels ?? null,
      readError: null,
      embeddedArt: picture ? describeImage(picture.data, 'embedded', null) : null,
    };
  } catch (error) {
    return {
      file,
      fileName,
      title: '',
      artist: '',
      albumArtist: '',
      album: '',
      trackNo: null,
      trackOf: null,
      discNo: null,
      year: null,
      durationMs: 0,
      codec: '',
      lossless: false,
      bitrate: null,
      sampleRate: null,
      bitsPerSample: null,
      channels: null,
      readError: error instanceof Error ? error.message : String(error),
      embeddedArt: null,
    };
  }
}

/** Release order: disc (untagged counts as 1), then track number (untagged last), then file name, numbers compared as numbers. */
export function compareReleaseOrder(a: DraftFile, b: DraftFile): number {
  return (
    (a.discNo ?? 1) - (b.discNo ?? 1) ||
    (a.trackNo ?? Number.MAX_SAFE_INTEGER) - (b.trackNo ?? Number.MAX_SAFE_INTEGER) ||
    a.fileName.localeCompare(b.fileName, 'en', { numeric: true })
  );
}

async function findFolderCover(folder: string): Promise<ArtworkFound | null> {
  const images = (await readdir(folder, { withFileTypes: true }))
    .filter((e) => e.isFile() && IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase()))
    .map((e) => e.name);
  if (images.length === 0) return null;
  const rank = (name: string) => {
    const i = COVER_NAMES.indexOf(basename(name, extname(name)).toLowerCase());
    return i === -1 ? COVER_NAMES.length : i;
  };
  const chosen = images.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))[0]!;
  const file = join(folder, chosen);
  const { size } = await stat(file);
  const handle = await open(file, 'r');
  try {
    // The dimensions are in the first few KiB for PNG, and almost always for JPEG (after EXIF); 256 KiB covers big EXIF thumbnails.
    const head = Buffer.alloc(Math.min(size, 256 * 1024));
    await handle.read(head, 0, head.length, 0);
    return { ...describeImage(head, 'folder', file), bytes: size };
  } finally {
    await handle.close();
  }
}

/** The disc number a folder name says: `CD2`, `Disc 2`, `disk_02`, `2`; null when it names none. */
export function discFromFolderName(name: string): number | null {
  const m =
    /^(?:(?:cd|dis[ck]|side|part)[\s._-]*)?0*(\d{1,2})\b/i.exec(name.trim()) ??
    /\b(?:cd|dis[ck])[\s._-]*0*(\d{1,2})\b/i.exec(name);
  return m ? positiveInt(Number(m[1])) : null;
}

/**
 * Files in subfolders (`CD1/`, `Disc 2/`) without a disc tag take the disc
 * their folder names, else the folder's place among the subfolders (files at
 * the top count as disc 1): untagged, two discs' track 1s would be one disc's
 * duplicates and their totals would not add up.
 */
function inferDiscs(files: DraftFile[]): void {
  const folderOf = (f: DraftFile) => {
    const parts = f.fileName.split(/[\\/]/);
    return parts.length > 1 ? parts[0]! : '';
  };
  const subfolders = [...new Set(files.map(folderOf).filter((d) => d !== ''))].sort((a, b) =>
    a.localeCompare(b, 'en', { numeric: true }),
  );
  if (subfolders.length === 0) return;
  const named = subfolders.map(discFromFolderName);
  const useNames = named.every((n) => n !== null) && new Set(named).size === named.length;
  const topOffset = files.some((f) => folderOf(f) === '') ? 1 : 0;
  for (const f of files) {
    const dir = folderOf(f);
    if (f.discNo !== null || dir === '') continue;
    const i = subfolders.indexOf(dir);
    f.discNo = useNames ? named[i]! : i + 1 + topOffset;
  }
}

export async function readDraftFolder(folder: string): Promise<DraftFolder> {
  const files: DraftFile[] = [];
  for (const file of await listAudioFiles(folder)) files.push(await readDraftFile(folder, file));
  inferDiscs(files);
  files.sort(compareReleaseOrder);
  const artwork = files.find((f) => f.embeddedArt)?.embeddedArt ?? (await findFolderCover(folder));
  return { folder, files, artwork };
}
