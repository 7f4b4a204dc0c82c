import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LibraryTrack } from '../../../src/shared/contract/library';
import { ffmpeg, makeFixtures, place } from '../../unit/library/audio-fixtures';
import { openLibrary, tempDir, type OpenLibrary } from './library-harness';

let fx: ReturnType<typeof makeFixtures>;
beforeAll(() => {
  fx = makeFixtures();
});
afterAll(() => fx.cleanup());

async function track(lib: OpenLibrary, id: number): Promise<LibraryTrack> {
  return lib.call<LibraryTrack>('library.track', { id });
}

describe('relocate a missing track', () => {
  it('re-binds a missing track to its moved file by content, or to a re-encoded copy by tags, keeping plays; refuses another song', async () => {
    const music = tempDir();
    const lib = openLibrary();
    try {
      const song = place(fx.files.mp3, join(music, 'Album', 'song.mp3'));
      const other = place(fx.files.flac, join(music, 'Album', 'other.flac'));
      await lib.call('library.addFolder', { path: music });
      await lib.service.waitForIdle();
      const rows = (await lib.call<{ rows: LibraryTrack[] }>('library.tracks', { limit: 10, sort: 'path' }))
        .rows;
      const songRow = rows.find((t) => t.path === song)!;
      lib.db.prepare('UPDATE library_tracks SET play_count = 4 WHERE id = ?').run(songRow.id);

      // Moved outside the library: the scan marks it missing.
      const outside = tempDir();
      renameSync(song, join(outside, 'song.mp3'));
      await lib.service.scanAndWait();
      expect((await track(lib, songRow.id)).status).toBe('missing');
      // Outside every library folder: refused, with the way out named.
      await expect(
        lib.call('library.relocate', { id: songRow.id, path: join(outside, 'song.mp3') }),
      ).rejects.toThrow(/outside the library folders: add its folder/);
      // A file that is another song: refused.
      await expect(lib.call('library.relocate', { id: songRow.id, path: other })).rejects.toThrow(
        /other\.flac is not “Café Olé” by Beyoncé/,
      );

      // Into a folder of the library, under a new name: found by content when pointed at the folder.
      mkdirSync(join(music, 'Moved'));
      renameSync(join(outside, 'song.mp3'), join(music, 'Moved', 'renamed.mp3'));
      const byContent = await lib.call<{ path: string; matchedBy: string }>('library.relocate', {
        id: songRow.id,
        path: join(music, 'Moved'),
      });
      expect(byContent).toEqual({ path: join(music, 'Moved', 'renamed.mp3'), matchedBy: 'fingerprint' });
      expect(await track(lib, songRow.id)).toMatchObject({
        status: 'ok',
        playCount: 4,
        path: join(music, 'Moved', 'renamed.mp3'),
      });

      // Replaced by a re-encoded copy (other bytes, same tags and length): found by its tags, plays kept.
      rmSync(join(music, 'Moved', 'renamed.mp3'));
      await lib.service.scanAndWait();
      expect((await track(lib, songRow.id)).status).toBe('missing');
      const reencoded = join(music, 'Moved', 'song-320.mp3');
      ffmpeg(['-i', fx.files.mp3, '-map_metadata', '0', '-b:a', '128k', reencoded]);
      // The scan has meanwhile added it as a new track with a play of its own: folded in.
      await lib.service.scanAndWait();
      const twin = (
        await lib.call<{ rows: LibraryTrack[] }>('library.tracks', { limit: 10, sort: 'path' })
      ).rows.find((t) => t.path === reencoded)!;
      lib.db.prepare('UPDATE library_tracks SET play_count = 1 WHERE id = ?').run(twin.id);
      const byTags = await lib.call<{ path: string; matchedBy: string }>('library.relocate', {
        id: songRow.id,
        path: reencoded,
      });
      expect(byTags).toEqual({ path: reencoded, matchedBy: 'tags' });
      expect(await track(lib, songRow.id)).toMatchObject({
        status: 'ok',
        playCount: 5,
        path: reencoded,
        bitrate: 128000,
      });
      expect(await lib.dispatch('library.track', { id: twin.id })).toMatchObject({
        ok: false,
        error: { code: 'not_found' },
      });
      // A later scan leaves it bound.
      await lib.service.scanAndWait();
      expect(await track(lib, songRow.id)).toMatchObject({ status: 'ok', playCount: 5 });
      rmSync(outside, { recursive: true, force: true });
    } finally {
      await lib.close();
      rmSync(music, { recursive: true, force: true });
    }
  });
});
