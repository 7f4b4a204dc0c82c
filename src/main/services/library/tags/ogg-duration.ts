import { CachedFile } from './cached-file';

/**
 * The exact duration of an Ogg file (Vorbis, Opus, FLAC-in-Ogg) from its
 * last page's granule position, reading only the file's head and tail:
 * music-metadata leaves it empty unless told to read the whole file.
 *
 * - Opus: granules count 48 kHz samples whatever the input rate, and the
 *   first `pre-skip` samples (from the OpusHead packet) are not played.
 * - Vorbis and FLAC: granules count samples at the stream's sample rate.
 */
const TAIL_BYTES = 64 * 1024;
const HEAD_BYTES = 512;
const CAPTURE = Buffer.from('OggS');

export async function oggDurationMs(file: string, sampleRate: number | undefined): Promise<number | null> {
  const cached = CachedFile.open(file);
  try {
    return oggDurationFromFile(cached, sampleRate);
  } finally {
    cached.close();
  }
}

/** As `oggDurationMs`, on a file already open (its head and tail blocks are usually cached by then). */
export function oggDurationFromFile(file: CachedFile, sampleRate: number | undefined): number | null {
  const size = file.size;
  if (size < 28) return null;
  const head = file.bytes(0, HEAD_BYTES);
  if (!head.subarray(0, 4).equals(CAPTURE)) return null;
  const serial = head.readUInt32LE(14);
  const opus = head.indexOf('OpusHead');
  // The last page starts in the last block nearly always (pages are a few KiB); a tail
  // large enough to hold any last page (at most ~64 KiB) otherwise. The last page
  // header in a window is the file's last one, so the short try is exact when it finds one.
  let granule: bigint | null = null;
  for (const want of [CachedFile.BLOCK, TAIL_BYTES + 27]) {
    const tailLength = Math.min(want, size);
    granule = lastGranule(file.bytes(size - tailLength, tailLength), serial);
    if (granule !== null || tailLength === size) break;
  }
  if (granule === null || granule <= 0n) return null;
  if (opus >= 0 && opus + 12 <= head.length) {
    const preSkip = head.readUInt16LE(opus + 10);
    return Math.max(0, Math.round((Number(granule - BigInt(preSkip)) / 48_000) * 1000));
  }
  if (!sampleRate) return null;
  return Math.round((Number(granule) / sampleRate) * 1000);
}

/** The granule position of the last complete-looking page of the stream. */
function lastGranule(tail: Buffer, serial: number): bigint | null {
  for (let at = tail.lastIndexOf(CAPTURE); at >= 0; at = at > 0 ? tail.lastIndexOf(CAPTURE, at - 1) : -1) {
    if (at + 27 > tail.length) continue;
    if (tail[at + 4] !== 0) continue; // stream structure version is always 0
    if (tail.readUInt32LE(at + 14) !== serial) continue;
    const granule = tail.readBigInt64LE(at + 6);
    if (granule === -1n) continue; // a page on which no packet ends
    return granule;
  }
  return null;
}
