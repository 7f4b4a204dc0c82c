import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeAudio } from '../../../src/main/services/release/analysis/analyze-audio';
import { ffmpeg, ffmpegLoudness } from './fixtures';

/**
 * Every format the in-process decoders handle, on the same music-like
 * signal (stereo pink noise at about −25 LUFS), measured by our meter and by
 * ffmpeg's ebur128 filter.
 */
let dir: string;
const FORMATS: Array<[string, string[]]> = [
  ['pcm16.wav', ['-c:a', 'pcm_s16le']],
  ['pcm24.wav', ['-c:a', 'pcm_s24le']],
  ['float.wav', ['-c:a', 'pcm_f32le']],
  ['lossless.flac', ['-c:a', 'flac']],
  ['lame.mp3', ['-c:a', 'libmp3lame', '-b:a', '256k']],
  ['vorbis.ogg', ['-c:a', 'libvorbis', '-q:a', '6']],
  ['opus.opus', ['-c:a', 'libopus', '-b:a', '160k']],
];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'release-formats-'));
  const source = join(dir, 'source.wav');
  ffmpeg([
    '-f',
    'lavfi',
    '-i',
    'anoisesrc=color=pink:amplitude=0.25:sample_rate=44100:duration=12:seed=7',
    '-af',
    'pan=stereo|c0=c0|c1=0.8*c0',
    '-c:a',
    'pcm_f32le',
    source,
  ]);
  for (const [name, codec] of FORMATS) ffmpeg(['-i', source, ...codec, join(dir, name)]);
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('in-process decoding and metering of every supported format', () => {
  it.each(FORMATS.map(([name]) => name))(
    '%s: integrated loudness within 0.15 LU of ffmpeg, duration exact',
    async (name) => {
      const file = join(dir, name);
      const ours = await analyzeAudio(file);
      const reference = ffmpegLoudness(file);
      expect(ours.measured).toBe(true);
      if (!ours.measured) return;
      console.info(
        `format ${name}: ours ${ours.integratedLufs} LUFS / ${ours.truePeakDbtp} dBTP, ffmpeg ${reference.integratedLufs} LUFS / ${reference.truePeakDbtp} dBTP`,
      );
      expect(Math.abs(ours.integratedLufs! - reference.integratedLufs)).toBeLessThanOrEqual(0.15);
      expect(Math.abs(ours.truePeakDbtp! - reference.truePeakDbtp)).toBeLessThanOrEqual(0.5);
      expect(Math.abs(ours.decodedDurationMs - 12_000)).toBeLessThanOrEqual(name.endsWith('.mp3') ? 60 : 5);
    },
    30_000,
  );
});
