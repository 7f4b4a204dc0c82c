import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAudioFile } from '../../../src/main/services/library/tags/read-audio-file';
import { describeCut, formatBytes } from '../../../src/main/services/library/tags/truncation';
import { ffmpeg, makeFixtures, makeMp3WithCover, type FixtureKind } from './audio-fixtures';

let fx: ReturnType<typeof makeFixtures>;
beforeAll(() => {
  fx = makeFixtures();
});
afterAll(() => fx.cleanup());

describe('files cut short, read from head and tail only', () => {
  it('never calls a whole file cut: every format, with a cover, with a trailing ID3v1 tag', async () => {
    for (const kind of Object.keys(fx.files) as FixtureKind[]) {
      const info = await readAudioFile(fx.files[kind]);
      expect(Math.abs(info.durationMs - 3500), kind).toBeLessThan(100);
    }
    const covered = join(fx.dir, 'covered.mp3');
    makeMp3WithCover(covered);
    await expect(readAudioFile(covered)).resolves.toMatchObject({ hasArt: true });
    const tagged = join(fx.dir, 'id3v1.flac');
    writeFileSync(tagged, readFileSync(fx.files.flac));
    appendFileSync(tagged, Buffer.concat([Buffer.from('TAG'), Buffer.alloc(125, 0x20)]));
    await expect(readAudioFile(tagged)).resolves.toMatchObject({ durationMs: 3500, title: 'Flac Song' });
  });

  it('calls a file cut when half of its audio is gone, in every format that says how long it is', async () => {
    const tone = ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=20', '-ac', '2'];
    const codecs = {
      mp3: ['-b:a', '128k'],
      flac: [],
      ogg: ['-c:a', 'libvorbis'],
      opus: ['-c:a', 'libopus'],
      wav: [],
    };
    for (const [ext, args] of Object.entries(codecs)) {
      const whole = join(fx.dir, `long.${ext}`);
      ffmpeg([...tone, ...args, whole]);
      await expect(readAudioFile(whole), ext).resolves.toMatchObject({ durationMs: expect.any(Number) });
      const bytes = readFileSync(whole);
      const half = join(fx.dir, `half.${ext}`);
      writeFileSync(half, bytes.subarray(0, Math.floor(bytes.length / 2)));
      await expect(readAudioFile(half), ext).rejects.toMatchObject({
        reason: 'truncated',
        message: expect.stringMatching(/^The file is cut short: /),
      });
    }
  });

  it('says how much is there and how much should be, in plain units', () => {
    expect(describeCut({ size: 20_000, expected: 4_100_000 }, 240_000)).toBe(
      'The file is cut short: 20 KB of an expected 4.1 MB.',
    );
    expect(describeCut({ size: 3000, expected: null }, 245_000)).toBe(
      'The file is cut short: it ends after 3 KB, before any of its 4 min 05 s of audio.',
    );
    expect(describeCut({ size: 20_000, expected: null, noEndOfStream: true }, 0)).toBe(
      'The file is cut short: it stops after 20 KB, before the end of its audio.',
    );
    expect(describeCut({ size: 2000, expected: 480_000, atLeast: true }, 0)).toBe(
      'The file is cut short: 2 KB of at least 480 KB.',
    );
    expect([999, 1000, 999_499, 1_000_000, 2_500_000_000].map(formatBytes)).toEqual([
      '999 bytes',
      '1 KB',
      '999 KB',
      '1.0 MB',
      '2.5 GB',
    ]);
  });
});
