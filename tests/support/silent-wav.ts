/**
 * A WAV file of silence, 8-bit mono at 1 kHz: `seconds` × 1000 bytes of audio
 * after a 44-byte header. Small, exact in size, and music-metadata reads its
 * duration, so server tests need no ffmpeg for it.
 */
export function silentWav(seconds: number): Buffer {
  const dataBytes = seconds * 1000;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16); // fmt chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(1000, 24); // sample rate
  header.writeUInt32LE(1000, 28); // byte rate
  header.writeUInt16LE(1, 32); // block align
  header.writeUInt16LE(8, 34); // bits per sample
  header.write('data', 36);
  header.writeUInt32LE(dataBytes, 40);
  return Buffer.concat([header, Buffer.alloc(dataBytes, 128)]);
}
