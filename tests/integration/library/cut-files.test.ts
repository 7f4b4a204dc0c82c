import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LibraryProblem, LibraryTrack } from '../../../src/shared/contract/library';
import { ffmpeg } from '../../unit/library/audio-fixtures';
import { openLibrary, tempDir } from './library-harness';

/**
 * Downloads cut short: the first bytes of a real file, made here with ffmpeg
 * and `head -c`. Their headers announce 30 s of audio; their audio stops
 * after a second or less. None may become a track.
 */
const tone = ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=30', '-ac', '2'];
const WHOLE: Record<string, string[]> = {
  'cbr.mp3': ['-b:a', '128k'],
  'vbr.mp3': ['-q:a', '4'],
  'song.flac': [],
  'song.ogg': ['-c:a', 'libvorbis'],
  'song.opus': ['-c:a', 'libopus'],
  'song.m4a': ['-c:a', 'aac', '-b:a', '128k'],
  'song.wav': [],
};

let sources: string;
beforeAll(() => {
  sources = mkdtempSync(join(tmpdir(), 'resonate-cut-src-'));
  for (const [name, args] of Object.entries(WHOLE)) ffmpeg([...tone, ...args, join(sources, name)]);
});
afterAll(() => rmSync(sources, { recursive: true, force: true }));

function headC(bytes: number, from: string, to: string): void {
  execFileSync('sh', ['-c', 'head -c "$1" "$2" > "$3"', '_', String(bytes), from, to]);
}

async function scanned(dir: string) {
  const lib = openLibrary();
  await lib.call('library.addFolder', { path: dir });
  await lib.service.waitForIdle();
  const tracks = async () =>
    (await lib.call<{ rows: LibraryTrack[] }>('library.tracks', { limit: 1000, sort: 'path' })).rows;
  const problems = async () =>
    (await lib.call<{ rows: LibraryProblem[]; total: number }>('library.problems', {})).rows;
  return { lib, tracks, problems };
}

describe('files cut short', () => {
  it('lists every cut file under Problems with a plain reason, and adds only the whole ones', async () => {
    const dir = tempDir();
    for (const name of Object.keys(WHOLE)) {
      writeFileSync(join(dir, `whole-${name}`), readFileSync(join(sources, name)));
      headC(20000, join(sources, name), join(dir, `cut20k-${name}`));
      headC(3000, join(sources, name), join(dir, `cut3k-${name}`));
    }
    const { lib, tracks, problems } = await scanned(dir);
    try {
      const names = (await tracks()).map((t) => t.path.split('/').pop()).sort();
      expect(names).toEqual(
        Object.keys(WHOLE)
          .map((n) => `whole-${n}`)
          .sort(),
      );
      for (const t of await tracks()) expect(t.durationMs, t.path).toBeGreaterThan(29_000);

      const rows = await problems();
      const of = (name: string) => rows.find((p) => p.path.endsWith(`/${name}`));
      for (const name of Object.keys(WHOLE)) {
        expect(of(`cut20k-${name}`)?.reason, `cut20k-${name}`).toBe('truncated');
        // 3 KB of an Ogg Vorbis is not even a whole header: corrupt is as honest.
        expect(of(`cut3k-${name}`)?.reason, `cut3k-${name}`).toMatch(
          name === 'song.ogg' ? /truncated|corrupt/ : /truncated/,
        );
      }
      // The reason says how much is there and how much should be.
      const mp3Size = statSync(join(sources, 'cbr.mp3')).size;
      expect(of('cut20k-cbr.mp3')?.detail).toBe(
        `The file is cut short: 20 KB of an expected ${Math.round(mp3Size / 1000)} KB.`,
      );
      expect(of('cut3k-song.flac')?.detail).toMatch(
        /^The file is cut short: it ends after 3 KB, before any of its 30 s of audio\.$/,
      );
      expect(of('cut20k-song.wav')?.detail).toBe('The file is cut short: 20 KB of an expected 5.3 MB.');
    } finally {
      await lib.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes a track out of the library when its file is replaced by a cut copy, and back when it is whole again', async () => {
    const dir = tempDir();
    const file = join(dir, 'song.flac');
    writeFileSync(file, readFileSync(join(sources, 'song.flac')));
    const { lib, tracks, problems } = await scanned(dir);
    try {
      expect(await tracks()).toHaveLength(1);
      headC(20000, join(sources, 'song.flac'), file);
      await lib.service.scanAndWait();
      expect(await tracks()).toHaveLength(0);
      expect((await problems()).map((p) => p.reason)).toEqual(['truncated']);
      writeFileSync(file, readFileSync(join(sources, 'song.flac')));
      await lib.service.scanAndWait();
      expect((await tracks()).map((t) => t.durationMs)).toEqual([30_000]);
      expect(await problems()).toEqual([]);
    } finally {
      await lib.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
