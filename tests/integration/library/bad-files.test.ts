import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LibraryProblem, LibraryTrack } from '../../../src/shared/contract/library';
import { makeFixtures, place } from '../../unit/library/audio-fixtures';
import { openLibrary, tempDir } from './library-harness';

let fx: ReturnType<typeof makeFixtures>;
beforeAll(() => {
  fx = makeFixtures();
});
afterAll(() => fx.cleanup());

const isRoot = process.getuid?.() === 0;

describe('bad files', () => {
  it('lists every bad file under problems with its reason, plays the rest, and always finishes', async () => {
    const dir = tempDir();
    const good = place(fx.files.mp3, join(dir, 'good.mp3'));
    writeFileSync(join(dir, 'zero.mp3'), '');
    writeFileSync(join(dir, 'text-with-audio-extension.flac'), 'Not audio. '.repeat(500));
    writeFileSync(
      join(dir, 'random.ogg'),
      Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)),
    );
    // Truncated: the first 2 KB of a FLAC (the header survives) and the first 100 bytes of an Opus.
    writeFileSync(join(dir, 'truncated.flac'), readFileSync(fx.files.flac).subarray(0, 2048));
    writeFileSync(join(dir, 'truncated.opus'), readFileSync(fx.files.opus).subarray(0, 100));
    // Corrupt: a real MP3 with its middle overwritten.
    const corrupt = Buffer.from(readFileSync(fx.files.mp3));
    corrupt.fill(0xff, 200, corrupt.length - 200);
    writeFileSync(join(dir, 'corrupt.mp3'), corrupt);
    const locked = place(fx.files.ogg, join(dir, 'locked.ogg'));
    chmodSync(locked, 0o000);
    symlinkSync('loop-a.mp3', join(dir, 'loop-b.mp3'));
    symlinkSync('loop-b.mp3', join(dir, 'loop-a.mp3'));
    symlinkSync('nowhere.mp3', join(dir, 'dangling.mp3'));
    mkdirSync(join(dir, 'sub'));
    symlinkSync('..', join(dir, 'sub', 'parent-loop')); // a folder loop: followed once, not forever
    const odd = place(fx.files.flac, join(dir, 'Odd', 'Song #1 at 50% ?.flac'));
    // A name that is not valid UTF-8 (Latin-1 "é").
    const latin1Name = Buffer.concat([
      Buffer.from(join(dir, 'caf')),
      Buffer.from([0xe9]),
      Buffer.from('.opus'),
    ]);
    writeFileSync(latin1Name, readFileSync(fx.files.opus));
    // A path longer than PATH_MAX (4096), built with relative steps.
    const segment = 'd'.repeat(200);
    execFileSync('bash', [
      '-c',
      `cd "$1" && for i in $(seq 1 22); do mkdir ${segment} && cd ${segment}; done && cp "$2" deep.mp3`,
      '_',
      dir,
      fx.files.mp3,
    ]);

    const lib = openLibrary();
    try {
      await lib.call('library.addFolder', { path: dir });
      await lib.service.waitForIdle();
      const tracks = (
        await lib.call<{ rows: LibraryTrack[] }>('library.tracks', { limit: 1000, sort: 'path' })
      ).rows;
      const problems = (await lib.call<{ rows: LibraryProblem[] }>('library.problems', {})).rows;
      const reasonOf = (name: string) => problems.find((p) => p.path.endsWith(name))?.reason;
      const track = (name: string) => tracks.find((t) => t.path.endsWith(name));

      expect(track('good.mp3')).toBeTruthy();
      expect(reasonOf('zero.mp3')).toBe('empty');
      expect(reasonOf('text-with-audio-extension.flac')).toMatch(/not_audio|corrupt/);
      expect(reasonOf('random.ogg')).toMatch(/not_audio|corrupt/);
      expect(reasonOf('truncated.opus')).toMatch(/not_audio|corrupt|truncated/);
      expect(reasonOf('truncated.flac')).toBe('truncated');
      expect(reasonOf('loop-a.mp3')).toBe('symlink_loop');
      expect(reasonOf('loop-b.mp3')).toBe('symlink_loop');
      expect(reasonOf('dangling.mp3')).toBe('broken_link');
      expect(problems.some((p) => p.reason === 'path_too_long')).toBe(true);
      // Each file is exactly one of: a track, or a problem.
      for (const name of ['corrupt.mp3', 'locked.ogg']) {
        expect(Boolean(track(name)) !== Boolean(reasonOf(name)), name).toBe(true);
      }
      // chmod 000: root reads it anyway, so it is honestly a playable track; anyone else gets a problem.
      if (isRoot) expect(track('locked.ogg')).toBeTruthy();
      else expect(reasonOf('locked.ogg')).toBe('unreadable');

      // Names with %, # and ? are ordinary tracks, served by id.
      const oddTrack = track('Song #1 at 50% ?.flac')!;
      expect(lib.domain.fileForTrack(oddTrack.id)).toBe(odd);

      // A non-UTF-8 name shows its bad byte as %E9 and plays through a link in the data folder.
      const latin1 = tracks.find((t) => t.path.endsWith('caf%E9.opus'))!;
      expect(latin1).toMatchObject({ durationMs: 3500, format: 'Opus' });
      const playable = lib.domain.getPlayableFile(latin1.id)!;
      expect(playable.path.startsWith(join(lib.dataDir, 'aliases'))).toBe(true);
      expect(readFileSync(playable.path).equals(readFileSync(latin1Name))).toBe(true);

      // The folder loop did not duplicate anything.
      expect(tracks.filter((t) => t.path.endsWith('good.mp3'))).toHaveLength(1);
      expect(existsSync(good)).toBe(true);

      // A second scan reads none of the bad files again, and changes nothing.
      const again = await lib.service.scanAndWait();
      expect(again).toMatchObject({ added: 0, updated: 0, missing: 0 });
      expect((await lib.call<{ total: number }>('library.problems', {})).total).toBe(problems.length);
    } finally {
      await lib.close();
      chmodSync(locked, 0o644);
      execFileSync('rm', ['-rf', dir]);
    }
  });
});
