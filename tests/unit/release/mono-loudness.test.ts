import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeAudio } from '../../../src/main/services/release/analysis/analyze-audio';
import { ffmpeg, ffmpegLoudness } from '../../integration/release/fixtures';

/**
 * BS.1770 sums the energy of each channel (weight 1 for L, R and C), so a
 * mono file is one channel and the same signal on both channels of a stereo
 * file reads 3 LU louder. ffmpeg's ebur128 does exactly that; the release
 * checks must agree with it on both, in every format. (The wasm MP3
 * decoder answers two channels for a mono stream, which read a mono MP3
 * 3 LU too loud.)
 */
let dir: string;
const CODECS: Array<[string, string[]]> = [
  ['wav', ['-c:a', 'pcm_s16le']],
  ['flac', ['-c:a', 'flac']],
  ['mp3', ['-c:a', 'libmp3lame', '-b:a', '192k']],
  ['ogg', ['-c:a', 'libvorbis', '-q:a', '6']],
  ['opus', ['-c:a', 'libopus', '-b:a', '128k']],
];
const files: string[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mono-loudness-'));
  const mono = join(dir, 'source-mono.wav');
  ffmpeg([
    '-f',
    'lavfi',
    '-i',
    'anoisesrc=color=pink:amplitude=0.25:sample_rate=44100:duration=10:seed=3',
    '-c:a',
    'pcm_f32le',
    mono,
  ]);
  // Dual mono at unity on each side (ffmpeg's `-ac 2` would lower each side by 3 dB).
  const dual = join(dir, 'source-dual.wav');
  ffmpeg(['-i', mono, '-af', 'pan=stereo|c0=c0|c1=c0', '-c:a', 'pcm_f32le', dual]);
  for (const [ext, codec] of CODECS) {
    for (const [layout, source] of [
      ['mono', mono],
      ['dual', dual],
    ] as const) {
      const file = join(dir, `${layout}.${ext}`);
      ffmpeg(['-i', source, ...codec, file]);
      files.push(file);
    }
  }
  // A mono MP3 whose first frame sits behind a large ID3v2 tag (80 KB of comment).
  const tagged = join(dir, 'mono-tagged.mp3');
  ffmpeg([
    '-i',
    mono,
    '-c:a',
    'libmp3lame',
    '-b:a',
    '128k',
    '-id3v2_version',
    '3',
    '-metadata',
    `comment=${'x'.repeat(80_000)}`,
    tagged,
  ]);
  files.push(tagged);
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mono and dual-mono loudness per BS.1770, as ffmpeg measures it', () => {
  it.each(['wav', 'flac', 'mp3', 'ogg', 'opus', 'tagged.mp3'])(
    '%s: mono and dual-mono within 0.15 LU of ffmpeg',
    async (ext) => {
      const layouts = ext === 'tagged.mp3' ? ['mono-tagged.mp3'] : [`mono.${ext}`, `dual.${ext}`];
      for (const name of layouts) {
        const file = join(dir, name);
        const ours = await analyzeAudio(file);
        const reference = ffmpegLoudness(file);
        expect(ours.measured).toBe(true);
        if (!ours.measured) return;
        console.info(
          `${name}: ours ${ours.integratedLufs} LUFS (${ours.channels} ch), ffmpeg ${reference.integratedLufs} LUFS`,
        );
        expect(ours.channels).toBe(name.startsWith('mono') ? 1 : 2);
        expect(Math.abs(ours.integratedLufs! - reference.integratedLufs)).toBeLessThanOrEqual(0.15);
      }
    },
    30_000,
  );

  it('the same signal reads about 3 LU louder on two channels than on one', async () => {
    const mono = await analyzeAudio(join(dir, 'mono.mp3'));
    const dual = await analyzeAudio(join(dir, 'dual.mp3'));
    if (!mono.measured || !dual.measured) throw new Error('not measured');
    expect(dual.integratedLufs! - mono.integratedLufs!).toBeGreaterThan(2.7);
    expect(dual.integratedLufs! - mono.integratedLufs!).toBeLessThan(3.3);
  }, 30_000);
});
