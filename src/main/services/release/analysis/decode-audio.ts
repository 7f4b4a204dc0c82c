import { open, type FileHandle } from 'node:fs/promises';
import { mpegChannels } from './mpeg-header';
import { deinterleave, readWavFormat } from './wav-reader';

/**
 * Decodes an audio file to PCM chunk by chunk, in-process, with pure wasm
 * decoders (no binaries, no ffmpeg): MP3 (mpg123-decoder), FLAC, Ogg Vorbis,
 * Ogg Opus (@wasm-audio-decoders / ogg-opus-decoder) and WAV (read directly).
 * Memory stays bounded: the file is read 1 MiB at a time and each decoded
 * chunk goes to `onChunk` and is dropped. Formats without a decoder here
 * (AAC/ALAC in MP4, AIFF, WMA, …) answer `unsupported` instead of failing.
 */
export type AudioCodec = 'mp3' | 'flac' | 'vorbis' | 'opus' | 'wav';

export type ChunkSink = (channelData: Float32Array[], sampleRate: number) => void;

export type DecodeOutcome =
  | {
      ok: true;
      codec: AudioCodec;
      sampleRate: number;
      channels: number;
      frames: number;
      decodeErrors: number;
    }
  | { ok: false; reason: 'unsupported' | 'corrupt'; detail: string };

const READ_SIZE = 1 << 20;

/** Decides the codec from the file's first bytes, not its name. */
export function sniffCodec(head: Uint8Array): AudioCodec | null {
  const text = Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('latin1');
  if (text.startsWith('RIFF') && text.slice(8, 12) === 'WAVE') return 'wav';
  if (text.startsWith('fLaC')) return 'flac';
  if (text.startsWith('OggS')) {
    if (text.includes('OpusHead')) return 'opus';
    if (text.includes('\x01vorbis')) return 'vorbis';
    if (text.includes('\x7fFLAC')) return null; // FLAC in Ogg: not decoded here
    return null;
  }
  if (text.startsWith('ID3')) return 'mp3';
  // An MPEG audio frame sync (11 set bits) with layer III.
  if (head.length >= 2 && head[0] === 0xff && (head[1]! & 0xe0) === 0xe0 && (head[1]! & 0x06) === 0x02)
    return 'mp3';
  return null;
}

interface DecodedAudio {
  channelData: Float32Array[];
  samplesDecoded: number;
  sampleRate: number;
  errors: unknown[];
}

/** The part of the wasm decoders' API used here; `decode` is sync for MPEG, async for the others. */
interface StreamingDecoder {
  ready: Promise<void>;
  decode(data: Uint8Array): DecodedAudio | Promise<DecodedAudio>;
  flush?(): Promise<DecodedAudio>;
  free(): void | Promise<void>;
}

async function createDecoder(codec: Exclude<AudioCodec, 'wav'>): Promise<StreamingDecoder> {
  switch (codec) {
    case 'mp3': {
      const { MPEGDecoder } = await import('mpg123-decoder');
      return new MPEGDecoder() as unknown as StreamingDecoder;
    }
    case 'flac': {
      const { FLACDecoder } = await import('@wasm-audio-decoders/flac');
      return new FLACDecoder() as unknown as StreamingDecoder;
    }
    case 'vorbis': {
      const { OggVorbisDecoder } = await import('@wasm-audio-decoders/ogg-vorbis');
      return new OggVorbisDecoder() as unknown as StreamingDecoder;
    }
    case 'opus': {
      const { OggOpusDecoder } = await import('ogg-opus-decoder');
      return new OggOpusDecoder() as unknown as StreamingDecoder;
    }
  }
}

export async function decodeAudioFile(file: string, onChunk: ChunkSink): Promise<DecodeOutcome> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    return { ok: false, reason: 'corrupt', detail: `cannot open: ${(error as Error).message}` };
  }
  try {
    const size = (await handle.stat()).size;
    const head = Buffer.alloc(Math.min(4096, size));
    await handle.read(head, 0, head.length, 0);
    const codec = sniffCodec(head);
    if (!codec)
      return {
        ok: false,
        reason: 'unsupported',
        detail: 'no in-process decoder for this format (MP3, FLAC, Ogg Vorbis, Opus and WAV are measured)',
      };
    if (codec === 'wav') return await decodeWav(handle, size, onChunk);
    // The MPEG decoder answers two channels even for a mono stream: keep the ones the file has.
    const keepChannels = codec === 'mp3' ? await mpegChannels(handle, size) : Infinity;
    return await decodeCompressed(handle, codec, onChunk, keepChannels);
  } finally {
    await handle.close();
  }
}

async function decodeWav(handle: FileHandle, size: number, onChunk: ChunkSink): Promise<DecodeOutcome> {
  const format = await readWavFormat(handle, size);
  if (
    !format ||
    format.channels < 1 ||
    format.sampleRate < 1 ||
    ![8, 16, 24, 32, 64].includes(format.bitsPerSample)
  ) {
    return { ok: false, reason: 'unsupported', detail: 'WAV that is not linear PCM or IEEE float' };
  }
  const frameBytes = (format.bitsPerSample / 8) * format.channels;
  const chunkBytes = Math.max(frameBytes, Math.floor(READ_SIZE / frameBytes) * frameBytes);
  const buffer = Buffer.alloc(chunkBytes);
  let frames = 0;
  for (let pos = 0; pos < format.dataBytes; pos += chunkBytes) {
    const want = Math.min(chunkBytes, format.dataBytes - pos);
    const { bytesRead } = await handle.read(buffer, 0, want, format.dataOffset + pos);
    if (bytesRead === 0) break;
    const channels = deinterleave(buffer.subarray(0, bytesRead), format);
    frames += channels[0]!.length;
    onChunk(channels, format.sampleRate);
  }
  return {
    ok: true,
    codec: 'wav',
    sampleRate: format.sampleRate,
    channels: format.channels,
    frames,
    decodeErrors: 0,
  };
}

async function decodeCompressed(
  handle: FileHandle,
  codec: Exclude<AudioCodec, 'wav'>,
  onChunk: ChunkSink,
  keepChannels: number,
): Promise<DecodeOutcome> {
  const decoder = await createDecoder(codec);
  await decoder.ready;
  let frames = 0;
  let sampleRate = 0;
  let channels = 0;
  let decodeErrors = 0;
  const take = (out: DecodedAudio) => {
    decodeErrors += out.errors.length;
    if (out.samplesDecoded === 0 || out.channelData.length === 0) return;
    const kept = out.channelData.slice(0, keepChannels);
    sampleRate = out.sampleRate;
    channels = kept.length;
    frames += out.samplesDecoded;
    onChunk(
      kept.map((c) => c.subarray(0, out.samplesDecoded)),
      out.sampleRate,
    );
  };
  try {
    const buffer = Buffer.alloc(READ_SIZE);
    for (let position = 0; ;) {
      const { bytesRead } = await handle.read(buffer, 0, READ_SIZE, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      // The decoders may keep a reference to the bytes they were given: hand each call its own copy.
      take(await decoder.decode(new Uint8Array(buffer.subarray(0, bytesRead))));
    }
    if (decoder.flush) take(await decoder.flush());
  } catch (error) {
    return { ok: false, reason: 'corrupt', detail: `decoding failed: ${(error as Error).message}` };
  } finally {
    await decoder.free();
  }
  if (frames === 0) return { ok: false, reason: 'corrupt', detail: 'no audio could be decoded' };
  return { ok: true, codec, sampleRate, channels, frames, decodeErrors };
}
