import type { FileHandle } from 'node:fs/promises';

/**
 * How many channels an MP3 really has. The wasm MPEG decoder always answers
 * two channels, copying a mono stream into both; measured as stereo, a mono
 * file reads 3 LU louder than BS.1770 (and ffmpeg's ebur128) says, because
 * BS.1770 sums the energy of each channel. The channel mode is in every
 * frame header (bits 7–6 of its fourth byte: 11 = single channel), so the
 * first real frame after any ID3v2 tag tells.
 */

const BITRATES_KBPS = {
  v1: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  v2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const SAMPLE_RATES = {
  3: [44100, 48000, 32000],
  2: [22050, 24000, 16000],
  0: [11025, 12000, 8000],
} as Record<number, number[]>;

interface FrameHeader {
  channels: 1 | 2;
  /** Bytes from this header to the next frame's. */
  length: number;
}

/** Reads a layer III frame header at `at`, or null when the bytes there are not one. */
export function parseFrameHeader(bytes: Uint8Array, at: number): FrameHeader | null {
  if (at + 4 > bytes.length) return null;
  const [b0, b1, b2, b3] = [bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!];
  if (b0 !== 0xff || (b1 & 0xe0) !== 0xe0) return null;
  const version = (b1 >> 3) & 3; // 3 = MPEG 1, 2 = MPEG 2, 0 = MPEG 2.5, 1 reserved
  if (version === 1 || ((b1 >> 1) & 3) !== 1) return null; // layer III only
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 3;
  if (bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return null;
  const kbps = (version === 3 ? BITRATES_KBPS.v1 : BITRATES_KBPS.v2)[bitrateIndex]!;
  const sampleRate = SAMPLE_RATES[version]![rateIndex]!;
  const padding = (b2 >> 1) & 1;
  const samplesPerFrame = version === 3 ? 1152 : 576;
  const length = Math.floor((samplesPerFrame / 8) * ((kbps * 1000) / sampleRate)) + padding;
  return { channels: b3 >> 6 === 3 ? 1 : 2, length };
}

/** The size of an ID3v2 tag at the start of `head` (header and footer included), else 0. */
export function id3v2Size(head: Uint8Array): number {
  if (head.length < 10 || head[0] !== 0x49 || head[1] !== 0x44 || head[2] !== 0x33) return 0;
  const size =
    ((head[6]! & 0x7f) << 21) | ((head[7]! & 0x7f) << 14) | ((head[8]! & 0x7f) << 7) | (head[9]! & 0x7f);
  const footer = head[5]! & 0x10 ? 10 : 0;
  return 10 + size + footer;
}

/**
 * The first frame whose successor is also a frame header (a lone 0xFFEx in
 * tag padding or junk is not taken for one); null when none is found.
 */
export function firstFrameChannels(bytes: Uint8Array): 1 | 2 | null {
  for (let at = 0; at + 4 <= bytes.length; at++) {
    const frame = parseFrameHeader(bytes, at);
    if (!frame) continue;
    const next = at + frame.length;
    if (next + 4 > bytes.length) return frame.channels; // the file ends: a single frame is still a frame
    if (parseFrameHeader(bytes, next)) return frame.channels;
  }
  return null;
}

/** The channel count an MP3 file's frames declare (2 when it cannot be told, as the decoder answers). */
export async function mpegChannels(handle: FileHandle, size: number): Promise<1 | 2> {
  let start = 0;
  // Some files carry more than one ID3v2 tag in a row.
  for (let tags = 0; tags < 4; tags++) {
    const probe = Buffer.alloc(10);
    const { bytesRead } = await handle.read(probe, 0, 10, start);
    const tagSize = id3v2Size(probe.subarray(0, bytesRead));
    if (tagSize === 0) break;
    start += tagSize;
  }
  const window = Buffer.alloc(Math.max(0, Math.min(64 * 1024, size - start)));
  const { bytesRead } = await handle.read(window, 0, window.length, start);
  return firstFrameChannels(window.subarray(0, bytesRead)) ?? 2;
}
