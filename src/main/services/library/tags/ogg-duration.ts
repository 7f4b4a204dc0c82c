import { open } from 'node:fs/promises';

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
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size < 28) return null;
    const head = Buffer.alloc(Math.min(HEAD_BYTES, size));
    await handle.read(head, 0, head.length, 0);
    if (!head.subarray(0, 4).equals(CAPTURE)) return null;
    const serial = head.readUInt32LE(14);
    const opus = head.indexOf('OpusHead');
    // A tail large enough to hold the last page (pages are at most ~64 KiB).
    const tailLength = Math.min(TAIL_BYTES + 27, size);
    const tail = Buffer.alloc(tailLength);
    await handle.read(tail, 0, tailLength, size - tailLength);
    const granule = lastGranule(tail, serial);
    if (granule === null || granule <= 0n) return null;
    if (opus >= 0 && opus + 12 <= head.length) {
      const preSkip = head.readUInt16LE(opus + 10);
      return Math.max(0, Math.round((Number(granule - BigInt(preSkip)) / 48_000) * 1000));
    }
    if (!sampleRate) return null;
    return Math.round((Number(granule) / sampleRate) * 1000);
  } finally {
    await handle.close();
  }
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
