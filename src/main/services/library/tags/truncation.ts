import { CachedFile } from './cached-file';

/**
 * Whether a file holds all the audio its own header announces, read from
 * its head and tail only (blocks the tag reader and the fingerprint read
 * anyway): a download cut short keeps its header, so tags and duration
 * look whole while the audio stops after a few seconds. Per format:
 * - MP3: the Xing/Info/VBRI frame's byte count (else, for a constant bit
 *   rate, bitrate × duration) against the bytes after the ID3v2 tag;
 * - FLAC: STREAMINFO's total samples against the sample number of the last
 *   frame found in the tail (its header checked by CRC-8);
 * - Ogg (Vorbis, Opus, FLAC): the last page carries the end-of-stream flag;
 * - WAV: the `data` chunk's declared size against the file's size.
 * Other formats, and files whose header announces no length, answer "whole"
 * (MP4 files cut short fail in the tag reader already: see `cutShortMp4`).
 */
export interface Cut {
  /** The file's size. */
  size: number;
  /** The size its header implies, or null when only "no audio after the header" is known. */
  expected: number | null;
  /** For Ogg: the audio present ends before the end-of-stream mark. */
  noEndOfStream?: boolean;
  /** `expected` is a lower bound (an MP4 box longer than the file). */
  atLeast?: boolean;
}

export interface FormatFacts {
  container: string;
  codec: string;
  durationMs: number;
  bitrate: number | null;
}

export function findCut(file: CachedFile, ext: string, facts: FormatFacts): Cut | null {
  const head = file.bytes(0, 12);
  const magic = head.toString('latin1', 0, 4);
  if (magic === 'fLaC') return flacCut(file);
  if (magic === 'OggS') return oggCut(file);
  if (magic === 'RIFF' && head.toString('latin1', 8, 12) === 'WAVE') return wavCut(file);
  if (ext === 'mp3' || ext === 'mp2' || facts.codec.toLowerCase().startsWith('mpeg'))
    return mpegCut(file, facts);
  return null;
}

/** A plain sentence for the Problems list. */
export function describeCut(cut: Cut, durationMs: number): string {
  const got = formatBytes(cut.size);
  if (cut.expected !== null) {
    return `The file is cut short: ${got} of ${cut.atLeast ? 'at least' : 'an expected'} ${formatBytes(cut.expected)}.`;
  }
  if (cut.noEndOfStream) return `The file is cut short: it stops after ${got}, before the end of its audio.`;
  const length = durationMs > 0 ? ` of its ${formatDuration(durationMs)} of` : '';
  return `The file is cut short: it ends after ${got}, before any${length} audio.`;
}

/** music-metadata's "Atom size exceeds remaining bytes: <atom> > <left>" on an MP4 cut short, as a cut. */
export function cutShortMp4(message: string, size: number): Cut | null {
  const match = /Atom size exceeds remaining bytes: (\d+) > (\d+)/.exec(message);
  if (!match) return null;
  const missing = Number(match[1]) - Number(match[2]);
  return missing > 0 ? { size, expected: size + missing, atLeast: true } : null;
}

/**
 * Missing bytes below this and below `SLACK_SHARE` of the whole are not
 * called a cut: a damaged last frame, a lost trailing tag, or a header
 * counted loosely by its encoder (some count a tag in the MP3 stream's
 * bytes); such files play all but their last moments.
 */
const SLACK_BYTES = 16 * 1024;
const SLACK_SHARE = 0.03;

function isCut(size: number, expected: number): boolean {
  return expected - size > Math.max(SLACK_BYTES, expected * SLACK_SHARE);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} bytes`;
  if (bytes < 1_000_000) return `${Math.round(bytes / 1000)} KB`;
  if (bytes < 1_000_000_000) return `${(bytes / 1_000_000).toFixed(1)} MB`;
  return `${(bytes / 1_000_000_000).toFixed(1)} GB`;
}

function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

// ---- MPEG audio ----

interface MpegFrame {
  at: number;
  /** 1 for MPEG-1, 2 for MPEG-2 and 2.5. */
  version: 1 | 2;
  layer: 1 | 2 | 3;
  mono: boolean;
}

function mpegFrameAt(bytes: Buffer, at: number): MpegFrame | null {
  if (bytes[at] !== 0xff || (bytes[at + 1]! & 0xe0) !== 0xe0) return null;
  const versionBits = (bytes[at + 1]! >> 3) & 3; // 0: 2.5, 1: reserved, 2: 2, 3: 1
  const layerBits = (bytes[at + 1]! >> 1) & 3; // 1: III, 2: II, 3: I
  const bitrateIndex = bytes[at + 2]! >> 4;
  const rateIndex = (bytes[at + 2]! >> 2) & 3;
  if (versionBits === 1 || layerBits === 0 || bitrateIndex === 15 || rateIndex === 3) return null;
  const version = versionBits === 3 ? 1 : 2;
  const layer = (4 - layerBits) as 1 | 2 | 3;
  return { at, version, layer, mono: bytes[at + 3]! >> 6 === 3 };
}

/** The bytes after an ID3v2 tag at the start (0 without one). */
function id3v2End(file: CachedFile): number {
  const head = file.bytes(0, 10);
  if (head.length < 10 || head.toString('latin1', 0, 3) !== 'ID3') return 0;
  const size =
    ((head[6]! & 0x7f) << 21) | ((head[7]! & 0x7f) << 14) | ((head[8]! & 0x7f) << 7) | (head[9]! & 0x7f);
  return 10 + size + (head[5]! & 0x10 ? 10 : 0);
}

function mpegCut(file: CachedFile, facts: FormatFacts): Cut | null {
  const start = id3v2End(file);
  if (start >= file.size) return { size: file.size, expected: null };
  // The first frame: right after the tag, or after some padding or junk.
  const window = file.bytes(start, 8 * 1024);
  let frame: MpegFrame | null = null;
  for (let at = 0; at + 4 <= window.length && !frame; at++) frame = mpegFrameAt(window, at);
  if (!frame) return null;
  const audioStart = start + frame.at;
  const info = file.bytes(audioStart, 200);
  const xingAt = 4 + (frame.version === 1 ? (frame.mono ? 17 : 32) : frame.mono ? 9 : 17);
  const tag = info.toString('latin1', xingAt, xingAt + 4);
  let streamBytes: number | null = null;
  if ((tag === 'Xing' || tag === 'Info') && info.length >= xingAt + 16) {
    const flags = info.readUInt32BE(xingAt + 4);
    if (flags & 2) streamBytes = info.readUInt32BE(xingAt + 8 + (flags & 1 ? 4 : 0));
    else if (tag === 'Info' && facts.bitrate)
      streamBytes = Math.round((facts.bitrate * facts.durationMs) / 8000);
  } else if (info.toString('latin1', 36, 40) === 'VBRI' && info.length >= 50) {
    streamBytes = info.readUInt32BE(36 + 10);
  }
  // Without a length header the duration was estimated from the size: nothing to compare.
  if (!streamBytes || streamBytes <= 0) return null;
  const expected = audioStart + streamBytes;
  return isCut(file.size, expected) ? { size: file.size, expected } : null;
}

// ---- FLAC ----

interface StreamInfo {
  maxBlock: number;
  fixedBlocks: boolean;
  totalSamples: number;
  audioStart: number;
}

function flacStreamInfo(file: CachedFile): StreamInfo | null {
  let at = 4;
  let info: Omit<StreamInfo, 'audioStart'> | null = null;
  for (;;) {
    const header = file.bytes(at, 4);
    if (header.length < 4) return info && { ...info, audioStart: file.size };
    const last = (header[0]! & 0x80) !== 0;
    const type = header[0]! & 0x7f;
    const length = header.readUIntBE(1, 3);
    if (type === 0) {
      const body = file.bytes(at + 4, 34);
      if (body.length < 34) return null;
      const minBlock = body.readUInt16BE(0);
      const maxBlock = body.readUInt16BE(2);
      // 36 bits of total samples: the low 4 bits of byte 13 and bytes 14..17.
      const totalSamples = (body[13]! & 0x0f) * 2 ** 32 + body.readUInt32BE(14);
      info = { maxBlock, fixedBlocks: minBlock === maxBlock, totalSamples };
    }
    at += 4 + length;
    if (last) return info && { ...info, audioStart: at };
  }
}

function flacCut(file: CachedFile): Cut | null {
  const info = flacStreamInfo(file);
  if (!info || info.totalSamples === 0 || info.maxBlock === 0) return null;
  if (info.audioStart >= file.size) return { size: file.size, expected: null };
  // The last block (already read for the fingerprint) nearly always holds the last frame header; else a larger tail.
  let last: number | null = null;
  for (const want of [CachedFile.BLOCK, 64 * 1024]) {
    const tailLength = Math.min(file.size - info.audioStart, want);
    last = lastFlacFrame(file.bytes(file.size - tailLength, tailLength), info);
    if (last !== null || tailLength < want) break;
  }
  if (last === null) return null; // no frame header recognised in the tail (a large trailing tag?): not judged
  const present = last + info.maxBlock; // the last frame holds at most one block
  if (present >= info.totalSamples) return null;
  const audioBytes = file.size - info.audioStart;
  const expected = info.audioStart + Math.round((audioBytes * info.totalSamples) / Math.max(1, last));
  return isCut(file.size, expected) ? { size: file.size, expected } : null;
}

/** The first sample of the last frame whose header (sync, fields, CRC-8) is valid in `tail`, or null. */
function lastFlacFrame(tail: Buffer, info: StreamInfo): number | null {
  for (let at = tail.length - 6; at >= 0; at--) {
    if (tail[at] !== 0xff || (tail[at + 1]! & 0xfe) !== 0xf8) continue;
    const sample = flacFrameSample(tail, at, info);
    if (sample !== null) return sample;
  }
  return null;
}

function flacFrameSample(bytes: Buffer, at: number, info: StreamInfo): number | null {
  const variable = (bytes[at + 1]! & 1) === 1;
  const blockCode = bytes[at + 2]! >> 4;
  const rateCode = bytes[at + 2]! & 0x0f;
  if (blockCode === 0 || rateCode === 15 || (bytes[at + 3]! & 1) !== 0 || bytes[at + 3]! >> 4 > 10)
    return null;
  // The UTF-8-like coded frame (or sample) number.
  let p = at + 4;
  const first = bytes[p++];
  if (first === undefined) return null;
  let extra = 0;
  let value = first;
  if (first >= 0xfe) return null;
  for (let mask = 0x80; first & mask && mask > 1; mask >>= 1) extra++;
  if (extra === 1) return null;
  if (extra > 0) {
    value = first & (0xff >> (extra + 1));
    for (let i = 1; i < extra; i++) {
      const byte = bytes[p++];
      if (byte === undefined || (byte & 0xc0) !== 0x80) return null;
      value = value * 64 + (byte & 0x3f);
    }
  }
  if (blockCode === 6) p += 1;
  else if (blockCode === 7) p += 2;
  if (rateCode === 12) p += 1;
  else if (rateCode === 13 || rateCode === 14) p += 2;
  if (p >= bytes.length || crc8(bytes, at, p) !== bytes[p]) return null;
  return variable ? value : value * info.maxBlock;
}

function crc8(bytes: Buffer, from: number, to: number): number {
  let crc = 0;
  for (let i = from; i < to; i++) {
    crc ^= bytes[i]!;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

// ---- Ogg ----

function oggCut(file: CachedFile): Cut | null {
  // The last block nearly always holds the last page's header; a page is at most ~64 KiB.
  const short = Math.min(file.size, CachedFile.BLOCK);
  const found = lastOggPage(file.bytes(file.size - short, short), file.size);
  if (found !== undefined || short === file.size) return found ?? null;
  const tailLength = Math.min(file.size, 64 * 1024 + 27);
  return lastOggPage(file.bytes(file.size - tailLength, tailLength), file.size) ?? null;
}

/** The cut judged from the last page header in `tail`: null when whole, undefined when no page header is in it. */
function lastOggPage(tail: Buffer, size: number): Cut | null | undefined {
  for (let at = tail.lastIndexOf('OggS'); at >= 0; at = at > 0 ? tail.lastIndexOf('OggS', at - 1) : -1) {
    if (at + 27 > tail.length || tail[at + 4] !== 0) continue;
    const segments = tail[at + 26]!;
    if (at + 27 + segments > tail.length) return { size, expected: null, noEndOfStream: true };
    let body = 0;
    for (let i = 0; i < segments; i++) body += tail[at + 27 + i]!;
    const pageEnd = at + 27 + segments + body;
    const endOfStream = (tail[at + 5]! & 0x04) !== 0;
    // The last page: whole and marked end-of-stream, else the stream was cut.
    if (pageEnd <= tail.length && endOfStream) return null;
    return { size, expected: null, noEndOfStream: true };
  }
  return undefined;
}

// ---- WAV ----

function wavCut(file: CachedFile): Cut | null {
  let at = 12;
  for (let chunks = 0; chunks < 64; chunks++) {
    const header = file.bytes(at, 8);
    if (header.length < 8) return null;
    const id = header.toString('latin1', 0, 4);
    const length = header.readUInt32LE(4);
    if (id === 'data') {
      // 0 and 0xFFFFFFFF: a streamed file whose writer never knew the length.
      if (length === 0 || length === 0xffffffff) return null;
      const expected = at + 8 + length;
      return isCut(file.size, expected) ? { size: file.size, expected } : null;
    }
    at += 8 + length + (length & 1);
  }
  return null;
}
