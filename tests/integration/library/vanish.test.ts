import { readdirSync, renameSync, rmSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LibraryFolder, LibraryProblem, LibraryTrack } from '../../../src/shared/contract/library';
import { makeFixtures, place } from '../../unit/library/audio-fixtures';
import { openLibrary, tempDir, type OpenLibrary } from './library-harness';

/**
 * A folder moved away while a scan reads it. The test scan worker moves a
 * file's folder to `<folder>-away` when it reaches a file named `*vanish*`
 * (one worker, so the files after it are read after the move).
 */
const vanishingWorker = {
  url: new URL('../../unit/library/slow-scan-worker.ts', import.meta.url),
  typescript: true,
};

let fx: ReturnType<typeof makeFixtures>;
beforeAll(() => {
  fx = makeFixtures();
});
afterAll(() => fx.cleanup());

function touchAll(dir: string, at: number): void {
  for (const name of readdirSync(dir)) utimesSync(join(dir, name), at / 1000, at / 1000);
}

async function state(lib: OpenLibrary) {
  const tracks = (
    await lib.call<{ rows: LibraryTrack[] }>('library.tracks', { limit: 1000, status: 'all', sort: 'path' })
  ).rows;
  const problems = await lib.call<{ rows: LibraryProblem[]; total: number }>('library.problems', {});
  const folders = await lib.call<LibraryFolder[]>('library.folders');
  return { tracks, problems, folders };
}

describe('a folder moved away mid-scan', () => {
  it('marks the tracks of a moved sub-folder missing, lists no problem, and finds them again by content', async () => {
    const music = tempDir();
    for (let i = 0; i < 8; i++) {
      place(fx.files.mp3, join(music, 'Album A', `${i}.mp3`));
      place(fx.files.flac, join(music, 'Album B', `${i}.flac`));
    }
    const lib = openLibrary({ scanWorker: vanishingWorker, workers: 1 });
    try {
      await lib.call('library.addFolder', { path: music });
      await lib.service.waitForIdle();
      lib.db.prepare(`UPDATE library_tracks SET play_count = 7 WHERE path LIKE '%Album B%'`).run();
      // Changed files (read again) and one new file that moves "Album B" away when it is read.
      touchAll(join(music, 'Album B'), Date.now() + 60_000);
      place(fx.files.mp3, join(music, 'Album B', '0-vanish.mp3'));

      await lib.service.scanAndWait();
      const after = await state(lib);
      expect(after.problems.total).toBe(0);
      expect(after.problems.rows.map((p) => p.reason)).toEqual([]);
      const albumB = after.tracks.filter((t) => t.path.includes('/Album B/'));
      expect(albumB).toHaveLength(8);
      expect(albumB.map((t) => t.status)).toEqual(Array(8).fill('missing'));
      expect(after.tracks.filter((t) => t.status === 'ok')).toHaveLength(8);

      // The next scan finds the moved folder's files by content: same tracks, play counts kept.
      await lib.service.scanAndWait();
      const found = (await state(lib)).tracks.filter(
        (t) => t.path.includes('/Album B-away/') && !t.path.includes('vanish'),
      );
      expect(found.map((t) => [t.status, t.playCount])).toEqual(Array(8).fill(['ok', 7]));
      expect(found.map((t) => t.id).sort()).toEqual(albumB.map((t) => t.id).sort());
    } finally {
      await lib.close();
      rmSync(music, { recursive: true, force: true });
    }
  });

  it('treats a library folder moved away mid-scan as unplugged: tracks kept as unavailable, no problems', async () => {
    const parent = tempDir();
    const music = join(parent, 'Music');
    for (let i = 0; i < 10; i++) place(fx.files.ogg, join(music, `${i}.ogg`));
    const lib = openLibrary({ scanWorker: vanishingWorker, workers: 1 });
    try {
      await lib.call('library.addFolder', { path: music });
      await lib.service.waitForIdle();
      touchAll(music, Date.now() + 60_000);
      place(fx.files.mp3, join(music, '0-vanish.mp3'));

      const summary = await lib.service.scanAndWait();
      expect(summary.unavailableFolders).toEqual([music]);
      const after = await state(lib);
      expect(after.problems.total).toBe(0);
      expect(after.tracks.map((t) => t.status)).toEqual(Array(10).fill('unavailable'));
      expect(after.folders.map((f) => f.available)).toEqual([false]);
      // Settings counts what Library lists (playable tracks): none while the folder is away.
      const listed = await lib.call<{ total: number }>('library.tracks', { limit: 1 });
      expect(after.folders.map((f) => f.trackCount)).toEqual([listed.total]);
      expect(listed.total).toBe(0);

      // Put back: the same tracks play again.
      rmSync(join(`${music}-away`, '0-vanish.mp3'));
      renameSync(`${music}-away`, music);
      await lib.service.scanAndWait();
      const back = await state(lib);
      expect(
        back.tracks
          .filter((t) => t.status === 'ok')
          .map((t) => t.id)
          .sort(),
      ).toEqual(after.tracks.map((t) => t.id).sort());
      expect(back.folders.map((f) => f.available)).toEqual([true]);
      expect(back.folders.map((f) => f.trackCount)).toEqual([10]);
      expect(back.problems.total).toBe(0);
    } finally {
      await lib.close();
      rmSync(parent, { recursive: true, force: true });
    }
  });
});
