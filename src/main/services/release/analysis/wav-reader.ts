import type { FileHandle } from 'node:fs/promises';

/**
 * Linear PCM from RIFF/WAVE files, read in chunks: 8/16/24/32-bit integer
 * and 32/64-bit float, plain or WAVE_FORMAT_EXTENSIBLE. No decoder package
 * is needed for what is only a header and interleaved samples.
 */
export interface WavFormat {
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  float: boolean;
  dataOffset: number;
  dataBytes: number;
}

const PCM = 1;
const IEEE_FLOAT = 3;
const EXTENSIBLE = 0xfffe;

export async function readWavFormat(handle: FileHandle, fileSize: number): Promise<WavFormat | null> {
  const head = Buffer.alloc(12);
  await handle.read(head, 0, 12, 0);
  if (head.toString('latin1', 0, 4) !== 'RIFF' || head.toString('latin1', 8, 12) !== 'WAVE') return null;
  let offset = 12;
  let fmt: Omit<WavFormat, 'dataOffset' | 'dataBytes'> | null = null;
  const header = Buffer.alloc(8);
  while (offset + 8 <= fileSize) {
    await handle.read(header, 0, 8, offset);
    const id = header.toString('latin1', 0, 4);
    const size = header.readUInt32LE(4);
    if (id === 'fmt ') {
      const body = Buffer.alloc(Math.min(size, 40));
      await handle.read(body, 0, body.length, offset + 8);
      let tag = body.readUInt16LE(0);
      if (tag === EXTENSIBLE && body.length >= 26) tag = body.readUInt16LE(24); // the sub-format GUID starts with the tag
      if (tag !== PCM && tag !== IEEE_FLOAT) return null;
      fmt = {
        channels: body.readUInt16LE(2),
        sampleRate: body.readUInt32LE(4),
        bitsPerSample: body.readUInt16LE(14),
        float: tag === IEEE_FLOAT,
      };
    } else if (id === 'data') {
      if (!fmt) return null;
      // A streamed WAV may say 0 or 0xFFFFFFFF: then the data runs to the end of the file.
      const dataBytes =
        size === 0 || size === 0xffffffff ? fileSize - offset - 8 : Math.min(size, fileSize - offset - 8);
      return { ...fmt, dataOffset: offset + 8, dataBytes };
    }
    offset += 8 + size + (size % 2); // chunks are padded to even sizes
  }
  return null;
}

/** Converts interleaved little-endian samples to one Float32Array per channel in −1…1. */
export function deinterleave(bytes: Buffer, format: WavFormat): Float32Array[] {
  const width = format.bitsPerSample / 8;
  const frames = Math.floor(bytes.length / (width * format.channels));
  const out = Array.from({ length: format.channels }, () => new Float32Array(frames));
  let p = 0;
  for (let f = 0; f < frames; f++) {
    for (let c = 0; c < format.channels; c++, p += width) {
      out[c]![f] = sampleAt(bytes, p, format);
    }
  }
  return out;
}

function sampleAt(b: Buffer, p: number, format: WavFormat): number {
  if (format.float) return format.bitsPerSample === 64 ? b.readDoubleLE(p) : b.readFloatLE(p);
  switch (format.bitsPerSample) {
    case 8:
      return (b[p]! - 128) / 128;
    case 16:
      return b.readInt16LE(p) / 32768;
    case 24:
      return b.readIntLE(p, 3) / 8388608;
    case 32:
      return b.readInt32LE(p) / 2147483648;
    default:
      throw new Error(`unsupported WAV sample size ${format.bitsPerSample}`);
  }
}
