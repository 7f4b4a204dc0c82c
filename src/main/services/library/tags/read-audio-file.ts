import { createHash } from 'node:crypto';
import { extname } from 'node:path';
import type { IAudioMetadata } from 'music-metadata';
import { CachedFile, CachedFileTokenizer } from './cached-file';
import { hasEmbeddedArt } from './embedded-art';
import { parseTokenizerFast } from './fast-parse';
import { readBpm, readMusicalKey, type NativeTags } from './musical-tags';
import { oggDurationFromFile } from './ogg-duration';
import { cutShortMp4, describeCut, findCut } from './truncation';

/** What one audio file says about itself. Empty strings mean "not tagged". */
export interface AudioFileInfo {
  size: number;
  /** Last modified (whole milliseconds) when read. */
  mtimeMs: number;
  fingerprint: string;
  title: string;
  artist: string;
  albumArtist: string;
  album: string;
  trackNo: number | null;
  trackOf: number | null;
  discNo: number | null;
  year: number | null;
  genre: string;
  /** The first comment tag (shown in DJ exports). */
  comment: string;
  durationMs: number;
  container: string;
  codec: string;
  bitrate: number | null;
  sampleRate: number | null;
  bpm: number | null;
  key: string | null;
  replayGain: ReplayGain;
  hasArt: boolean;
}

export interface ReplayGain {
  trackGainDb: number | null;
  trackPeak: number | null;
  albumGainDb: number | null;
  albumPeak: number | null;
}

/** Why a file did not become a track. Shown to the user under Problems. */
export type ProblemReason =
  | 'empty'
  | 'not_audio'
  | 'corrupt'
  | 'truncated'
  | 'unreadable'
  | 'symlink_loop'
  | 'broken_link'
  | 'path_too_long'
  | 'timeout'
  | 'crashed'
  | 'unavailable'
  /** The file was listed but is gone when read (moved or deleted mid-scan): never stored as a problem. */
  | 'vanished';

export class FileProblem extends Error {
  constructor(
    readonly reason: ProblemReason,
    detail: string,
  ) {
    super(detail);
    this.name = 'FileProblem';
  }
}

/** Formats whose embedded art `hasEmbeddedArt` finds from the tag structure; others decode pictures to know. */
const ART_FROM_STRUCTURE = new Set(['mp3', 'mp2', 'flac', 'ogg', 'oga', 'opus', 'm4a', 'm4b', 'mp4', 'aac']);

/**
 * Reads tags and format of one file without reading the whole file: the
 * tags live at the head (or tail), and durations come from headers, the
 * Xing/VBRI frame, a CBR estimate from the file size (music-metadata does
 * that for MPEG without `duration: true`), or the last Ogg page.
 *
 * One file descriptor, synchronous block reads through `CachedFile` (this
 * runs in a scan worker, whose thread may block): the fingerprint, the tag
 * parser, the Ogg tail and the art check share the same few blocks.
 * Pictures are never decoded: whether there is one is read from the tags'
 * structure.
 */
export async function readAudioFile(file: string): Promise<AudioFileInfo> {
  let cached: CachedFile;
  try {
    cached = CachedFile.open(file);
  } catch (error) {
    throw classifyFsError(error);
  }
  try {
    return await readOpenFile(cached, file);
  } finally {
    cached.close();
  }
}

async function readOpenFile(file: CachedFile, path: string): Promise<AudioFileInfo> {
  const size = file.size;
  if (size === 0) throw new FileProblem('empty', 'The file is empty (0 bytes).');
  let fingerprint: string;
  try {
    fingerprint = fingerprintOf(file);
  } catch (error) {
    throw classifyFsError(error);
  }
  const ext = extname(path).slice(1).toLowerCase();
  const artFromStructure = ART_FROM_STRUCTURE.has(ext);
  let meta: IAudioMetadata;
  try {
    meta = await parseTokenizerFast(new CachedFileTokenizer(file, path), {
      duration: false,
      skipCovers: artFromStructure,
    });
  } catch (error) {
    const cut = error instanceof Error ? cutShortMp4(error.message, size) : null;
    if (cut) throw new FileProblem('truncated', describeCut(cut, 0));
    throw classifyParseError(error);
  }
  const { format, common } = meta;
  let durationMs =
    format.duration && Number.isFinite(format.duration) ? Math.round(format.duration * 1000) : 0;
  const isOgg = format.container?.toLowerCase() === 'ogg';
  if (isOgg) durationMs = oggDurationFromFile(file, format.sampleRate) ?? durationMs;
  if (!format.sampleRate && !durationMs && !format.codec) {
    throw new FileProblem('not_audio', 'No audio stream was found in this file.');
  }
  if (!durationMs && format.bitrate && format.bitrate > 0) {
    // Last resort for streams without any length header: size over bitrate.
    durationMs = Math.round(((size * 8) / format.bitrate) * 1000);
  }
  const cut = findCut(file, ext, {
    container: format.container ?? '',
    codec: format.codec ?? '',
    durationMs,
    bitrate: format.bitrate ?? null,
  });
  if (cut) throw new FileProblem('truncated', describeCut(cut, durationMs));
  if (durationMs <= 0) {
    throw new FileProblem('corrupt', 'The file has audio headers but no playable audio (truncated?).');
  }
  const native = meta.native as unknown as NativeTags;
  let hasArt = (common.picture?.length ?? 0) > 0;
  if (artFromStructure) {
    try {
      hasArt = hasEmbeddedArt(file, format.container ?? '');
    } catch {
      hasArt = false; // a damaged tag: no art is the safe answer
    }
  }
  return {
    size,
    mtimeMs: file.mtimeMs,
    fingerprint,
    title: clean(common.title),
    artist: clean(common.artist ?? common.artists?.join(', ')),
    albumArtist: clean(common.albumartist),
    album: clean(common.album),
    trackNo: positiveInt(common.track?.no),
    trackOf: positiveInt(common.track?.of),
    discNo: positiveInt(common.disk?.no),
    year: positiveInt(common.year),
    genre: clean(common.genre?.join(', ')),
    comment: clean(common.comment?.[0]?.text),
    durationMs,
    container: clean(format.container),
    codec: clean(format.codec),
    bitrate: format.bitrate && Number.isFinite(format.bitrate) ? Math.round(format.bitrate) : null,
    sampleRate: isOgg && format.codec?.toLowerCase().includes('opus') ? 48_000 : (format.sampleRate ?? null),
    bpm: readBpm(native) ?? (common.bpm && Number.isFinite(common.bpm) ? common.bpm : null),
    key: readMusicalKey(native) ?? (common.key ? clean(common.key) || null : null),
    replayGain: {
      trackGainDb: finite(common.replaygain_track_gain?.dB),
      trackPeak: finite(common.replaygain_track_peak?.ratio),
      albumGainDb: finite(common.replaygain_album_gain?.dB),
      albumPeak: finite(common.replaygain_album_peak?.ratio),
    },
    hasArt,
  };
}

const SAMPLE = 16 * 1024;

/**
 * A cheap content fingerprint for recognising a moved or renamed file:
 * the size plus samples from the start, middle and end of the file. (The
 * same bytes as ever, so libraries scanned before still recognise moves;
 * the head and tail samples are blocks the tag reader reads anyway.)
 */
export async function fingerprintFile(file: string): Promise<{ size: number; fingerprint: string }> {
  let cached: CachedFile;
  try {
    cached = CachedFile.open(file);
  } catch (error) {
    throw classifyFsError(error);
  }
  try {
    return { size: cached.size, fingerprint: fingerprintOf(cached) };
  } catch (error) {
    throw classifyFsError(error);
  } finally {
    cached.close();
  }
}

function fingerprintOf(file: CachedFile): string {
  const size = file.size;
  const hash = createHash('sha1').update(String(size));
  const middle = Math.max(0, Math.floor(size / 2) - SAMPLE / 2);
  const tail = Math.max(0, size - SAMPLE);
  // The head and the tail are read again by the tag parser (and the Ogg and art checks): kept.
  // The middle is read by nothing else: one read, straight into the hash.
  file.cacheTail(SAMPLE);
  for (const at of new Set([0, middle, tail])) {
    hash.update(
      at === middle && at !== 0 && at !== tail ? file.bytesOnce(at, SAMPLE) : file.view(at, SAMPLE),
    );
  }
  return hash.digest('base64url');
}

export function classifyFsError(error: unknown): FileProblem {
  if (error instanceof FileProblem) return error;
  const code = (error as NodeJS.ErrnoException)?.code;
  const message = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return new FileProblem('unreadable', 'Permission denied: the file cannot be read.');
    case 'ELOOP':
      return new FileProblem('symlink_loop', 'A symbolic link points back to itself.');
    case 'ENOENT':
      // Only a link can be broken (the walk tells those apart with lstat): a plain file was moved or deleted.
      return new FileProblem('vanished', 'The file is no longer there.');
    case 'ENAMETOOLONG':
      return new FileProblem('path_too_long', 'The path is longer than the system allows.');
    case 'EISDIR':
      return new FileProblem('not_audio', 'This is a folder, not an audio file.');
    default:
      return new FileProblem('unreadable', message);
  }
}

function classifyParseError(error: unknown): FileProblem {
  if ((error as NodeJS.ErrnoException)?.code) return classifyFsError(error);
  const message = error instanceof Error ? error.message : String(error);
  const name = error instanceof Error ? error.name : '';
  if (
    /UnsupportedFileType|Failed to determine audio format|Guessed MIME-type not supported/i.test(
      `${name} ${message}`,
    )
  ) {
    return new FileProblem('not_audio', 'The file is not in a known audio format.');
  }
  return new FileProblem('corrupt', `The file could not be read as audio: ${message}`);
}

function clean(value: string | undefined | null): string {
  return (value ?? '').replace(/\0/g, '').trim().slice(0, 1000);
}

function positiveInt(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null;
}

function finite(value: number | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
