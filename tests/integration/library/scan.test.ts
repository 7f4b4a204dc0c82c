import { renameSync, rmSync, unlinkSync, utimesSync, mkdirSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LibraryTrack } from '../../../src/shared/contract/library';
import { makeFixtures, makeMp3WithCover, place, FIXTURE_SECONDS } from '../../unit/library/audio-fixtures';
import { openLibrary, tempDir, type OpenLibrary } from './library-harness';

let fx: ReturnType<typeof makeFixtures>;
beforeAll(() => {
  fx = makeFixtures();
});
afterAll(() => fx.cleanup());

let lib: OpenLibrary | null = null;
const cleanups: string[] = [];
afterEach(async () => {
  await lib?.close();
  lib = null;
  for (const dir of cleanups.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function musicFolder(): string {
  const dir = tempDir();
  cleanups.push(dir);
  place(fx.files.mp3, join(dir, 'Beyoncé', 'Déjà Vu', '01 - cafe.mp3'));
  place(fx.files.flac, join(dir, 'Lossless', 'Big Files', '01.flac'));
  place(fx.files.ogg, join(dir, 'Xiph', 'Vorbis', 'v.ogg'));
  place(fx.files.opus, join(dir, 'Xiph', 'Opus', 'o.opus'));
  place(fx.files.m4a, join(dir, 'Cupertino', 'Apple', 'a.m4a'));
  place(fx.files.mp3NoXing, join(dir, 'Untagged Artist', 'Untagged Album', '07 - Named By File.mp3'));
  return dir;
}

async function allTracks(l: OpenLibrary, status = 'ok'): Promise<LibraryTrack[]> {
  return (await l.call<{ rows: LibraryTrack[] }>('library.tracks', { limit: 1000, status, sort: 'path' }))
    .rows;
}

describe('library scan', () => {
  it('adds a folder, scans it in workers, and lists tags and durations for every format', async () => {
    const dir = musicFolder();
    lib = openLibrary();
    await lib.call('library.addFolder', { path: dir });
    await lib.service.waitForIdle();
    const tracks = await allTracks(lib);
    expect(tracks).toHaveLength(6);
    for (const t of tracks) expect(Math.abs(t.durationMs - FIXTURE_SECONDS * 1000)).toBeLessThanOrEqual(60);
    const byFormat = Object.fromEntries(tracks.map((t) => [t.format, t]));
    expect(Object.keys(byFormat).sort()).toEqual(['AAC', 'FLAC', 'MP3', 'Opus', 'Vorbis']);
    expect(byFormat.Opus).toMatchObject({ durationMs: 3500, bpm: 90, key: 'F#m' });
    expect(byFormat.FLAC).toMatchObject({ bpm: 120.5, key: '8A', title: 'Flac Song' });
    const named = tracks.find((t) => t.path.endsWith('07 - Named By File.mp3'))!;
    expect(named).toMatchObject({ title: 'No Header', artist: 'Plain', album: 'Untagged Album', trackNo: 7 });
    expect(lib.store.store.libraryFolders).toEqual([dir]);
    const status = lib.service.scanStatus();
    expect(status).toMatchObject({ state: 'idle', last: { added: 6, failed: 0 } });
    expect(lib.seen.some((e) => e.name === 'library.scanProgress')).toBe(true);
    expect(lib.seen.some((e) => e.name === 'library.changed')).toBe(true);
    // albums, artists, details, playable file
    const albums = await lib.call<{
      total: number;
      rows: { id: number; title: string; albumArtist: string; artistId: number | null }[];
    }>('library.albums', {});
    expect(albums.total).toBe(6);
    const dejaVu = albums.rows.find((a) => a.title === 'Déjà Vu')!;
    const album = await lib.call<{ tracks: LibraryTrack[] }>('library.album', { id: dejaVu.id });
    expect(album.tracks.map((t) => t.title)).toEqual(['Café Olé']);
    const artists = await lib.call<{ rows: { id: number; name: string }[] }>('library.artists', {});
    expect(artists.rows.map((a) => a.name)).toContain('Xiph');
    const xiph = artists.rows.find((a) => a.name === 'Xiph')!;
    // An album links to its album artist's page.
    const xiphAlbums = albums.rows.filter((a) => a.albumArtist === 'Xiph');
    expect(xiphAlbums.length).toBeGreaterThan(0);
    for (const a of xiphAlbums) expect(a.artistId).toBe(xiph.id);
    const page = await lib.call<{ albums: unknown[]; tracks: unknown[] }>('library.artist', { id: xiph.id });
    expect(page.albums).toHaveLength(2);
    expect(page.tracks).toHaveLength(2);
    const cafe = tracks.find((t) => t.title === 'Café Olé')!;
    const details = await lib.call<{ replayGain: { trackGainDb: number } }>('library.track', { id: cafe.id });
    expect(details.replayGain.trackGainDb).toBeCloseTo(-6.5, 2);
    const playable = lib.domain.getPlayableFile(byFormat.Opus!.id);
    expect(playable).toMatchObject({ durationMs: 3500, contentType: 'audio/ogg' });
    expect(playable!.path.endsWith('o.opus')).toBe(true);
    expect(lib.domain.fileForTrack(999_999)).toBeNull();
    expect((await lib.dispatch('library.track', { id: 999_999 })).ok).toBe(false);
  });

  it('rescans incrementally, recognises a moved file by content (keeping its play count), and marks vanished files missing', async () => {
    const dir = musicFolder();
    lib = openLibrary();
    await lib.call('library.addFolder', { path: dir });
    await lib.service.waitForIdle();
    const again = await lib.service.scanAndWait();
    expect(again).toMatchObject({ added: 0, updated: 0, skipped: 6, missing: 0 });

    const flac = (await allTracks(lib)).find((t) => t.format === 'FLAC')!;
    expect(lib.domain.recordLocalPlay(flac.id, 1_700_000_000_000)).toBe(true);
    expect(lib.domain.recordLocalPlay(flac.id, 1_700_000_100_000)).toBe(true);
    mkdirSync(join(dir, 'Moved'));
    renameSync(join(dir, 'Lossless', 'Big Files', '01.flac'), join(dir, 'Moved', 'renamed.flac'));
    unlinkSync(join(dir, 'Xiph', 'Vorbis', 'v.ogg'));
    const touched = join(dir, 'Cupertino', 'Apple', 'a.m4a');
    utimesSync(touched, new Date(), new Date(Date.now() + 5000));

    const summary = await lib.service.scanAndWait();
    expect(summary).toMatchObject({ moved: 1, missing: 1, updated: 1, added: 0 });
    const moved = (await allTracks(lib)).find((t) => t.format === 'FLAC')!;
    expect(moved).toMatchObject({ id: flac.id, playCount: 2, lastPlayedAt: 1_700_000_100_000 });
    expect(moved.path.endsWith(join('Moved', 'renamed.flac'))).toBe(true);
    const missing = await allTracks(lib, 'missing');
    expect(missing.map((t) => t.format)).toEqual(['Vorbis']);
    expect(lib.domain.getPlayableFile(missing[0]!.id)).toBeNull();

    // The file comes back: same row, ok again.
    place(fx.files.ogg, join(dir, 'Xiph', 'Vorbis', 'v.ogg'));
    const back = await lib.service.scanAndWait();
    expect(back).toMatchObject({ added: 0, updated: 1, missing: 0 });
    expect((await allTracks(lib, 'missing')).length).toBe(0);
    expect((await allTracks(lib)).find((t) => t.format === 'Vorbis')!.id).toBe(missing[0]!.id);
  });

  it('never wipes the tracks of a folder whose drive is gone: they become unavailable, then come back', async () => {
    const dir = musicFolder();
    lib = openLibrary();
    await lib.call('library.addFolder', { path: dir });
    await lib.service.waitForIdle();
    const before = await allTracks(lib);
    lib.domain.recordLocalPlay(before[0]!.id, 1);

    // Unmounted: the mount point is gone...
    renameSync(dir, `${dir}-away`);
    const gone = await lib.service.scanAndWait();
    expect(gone.unavailableFolders).toEqual([dir]);
    expect(gone.missing).toBe(0);
    expect(await allTracks(lib)).toHaveLength(0);
    expect(await allTracks(lib, 'unavailable')).toHaveLength(6);
    expect((await lib.call<{ available: boolean }[]>('library.folders'))[0]!.available).toBe(false);

    // ...or an empty folder where it used to be mounted.
    mkdirSync(dir);
    const empty = await lib.service.scanAndWait();
    expect(empty.unavailableFolders).toEqual([dir]);
    expect(await allTracks(lib, 'unavailable')).toHaveLength(6);

    rmSync(dir, { recursive: true });
    renameSync(`${dir}-away`, dir);
    const back = await lib.service.scanAndWait();
    expect(back).toMatchObject({ added: 0, missing: 0, skipped: 6 });
    const after = await allTracks(lib);
    expect(after.map((t) => t.id).sort()).toEqual(before.map((t) => t.id).sort());
    expect(after.find((t) => t.id === before[0]!.id)!.playCount).toBe(1);
  });

  it('searches with prefixes and folded accents, keeping the sort, and pages in SQL', async () => {
    const dir = musicFolder();
    lib = openLibrary();
    await lib.call('library.addFolder', { path: dir });
    await lib.service.waitForIdle();
    const search = async (q: string) =>
      (await lib!.call<{ total: number; rows: LibraryTrack[] }>('library.tracks', { search: q })).rows.map(
        (t) => t.title,
      );
    expect(await search('beyonce')).toEqual(['Café Olé']);
    expect(await search('BEY')).toEqual(['Café Olé']);
    expect(await search('deja vu')).toEqual(['Café Olé']);
    expect(await search('cafe ole')).toEqual(['Café Olé']);
    expect(await search('xiph')).toHaveLength(2);
    expect(await search('xiph opu')).toEqual(['Opus Song']);
    expect(await search('"unbalanced (quote*')).toEqual([]);
    expect(await search('pop')).toEqual(['Café Olé']); // genre
    const quick = await lib.call<{
      tracks: LibraryTrack[];
      albums: { title: string }[];
      artists: { name: string }[];
    }>('library.search', { query: 'xi' });
    expect(quick.tracks).toHaveLength(2);
    expect(quick.artists.map((a) => a.name)).toEqual(['Xiph']);
    const page = await lib.call<{ total: number; offset: number; rows: LibraryTrack[] }>('library.tracks', {
      offset: 2,
      limit: 2,
      sort: 'title',
      direction: 'desc',
    });
    expect(page.total).toBe(6);
    expect(page.rows.map((t) => t.title)).toEqual(['No Header', 'Flac Song']);
    const bad = await lib.dispatch('library.tracks', { sort: 'nonsense', limit: -1 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('extracts a cover on demand, caches it on disk, and serves it through the media router', async () => {
    const dir = tempDir();
    cleanups.push(dir);
    makeMp3WithCover(join(dir, 'covered.mp3'));
    place(fx.files.flac, join(dir, 'Folder Art', 'x.flac'));
    place(fx.files.flac, join(dir, 'Folder Art', 'cover.jpg'));
    place(fx.files.ogg, join(dir, 'No Art', 'y.ogg'));
    lib = openLibrary();
    await lib.call('library.addFolder', { path: dir });
    await lib.service.waitForIdle();
    const tracks = await allTracks(lib);
    const covered = tracks.find((t) => t.title === 'With Cover')!;
    expect(covered.hasArt).toBe(true);
    const cover = await lib.media.resolve(`cover/local/${covered.id}`);
    expect(cover).toMatchObject({ contentType: 'image/png' });
    expect(cover!.file.startsWith(join(lib.dataDir, 'covers'))).toBe(true);
    expect(await lib.media.resolve(`cover/local/${covered.id}/256`)).toEqual(cover);
    const folderArt = await lib.media.resolve(`cover/local/${tracks.find((t) => t.format === 'FLAC')!.id}`);
    expect(folderArt!.file).toBe(join(dir, 'Folder Art', 'cover.jpg'));
    expect(
      await lib.media.resolve(`cover/local/${tracks.find((t) => t.format === 'Vorbis')!.id}`),
    ).toBeNull();
    expect(await lib.media.resolve('cover/local/999999')).toBeNull();
    expect(await lib.media.resolve('cover/remote/1')).toBeNull();
  });

  it('removes a folder with its tracks and rejects overlapping or missing folders', async () => {
    const dir = musicFolder();
    lib = openLibrary();
    await lib.call('library.addFolder', { path: dir });
    await lib.service.waitForIdle();
    expect((await lib.dispatch('library.addFolder', { path: join(dir, 'Xiph') })).ok).toBe(false);
    expect(await lib.dispatch('library.addFolder', { path: join(dir, 'nope') })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    await lib.call('library.removeFolder', { path: dir });
    expect(await allTracks(lib, 'all')).toHaveLength(0);
    expect(await lib.call('library.folders')).toEqual([]);
    expect(lib.store.store.libraryFolders).toEqual([]);
  });

  it('treats a changed tag as an update of the same row', async () => {
    const dir = musicFolder();
    lib = openLibrary();
    await lib.call('library.addFolder', { path: dir });
    await lib.service.waitForIdle();
    const file = join(dir, 'Beyoncé', 'Déjà Vu', '01 - cafe.mp3');
    const before = (await allTracks(lib)).find((t) => t.path === file)!;
    appendFileSync(file, Buffer.alloc(0));
    utimesSync(file, new Date(), new Date(Date.now() + 10_000));
    const summary = await lib.service.scanAndWait();
    expect(summary.updated).toBe(1);
    expect((await allTracks(lib)).find((t) => t.path === file)!.id).toBe(before.id);
  });
});

describe('cover art added after a miss', () => {
  it('shows a folder image added after the first look, and an embedded picture added by re-tagging', async () => {
    const dir = tempDir();
    const lib = openLibrary();
    try {
      place(fx.files.ogg, join(dir, 'Album', 'song.ogg'));
      place(fx.files.mp3, join(dir, 'Other', 'plain.mp3'));
      await lib.call('library.addFolder', { path: dir });
      await lib.service.waitForIdle();
      const tracks = await allTracks(lib);
      const song = tracks.find((t) => t.path.endsWith('song.ogg'))!;
      const plain = tracks.find((t) => t.path.endsWith('plain.mp3'))!;
      expect(await lib.media.resolve(`cover/local/${song.id}`)).toBeNull();
      expect(await lib.media.resolve(`cover/local/${plain.id}`)).toBeNull();

      // The user drops a cover into the folder, and re-tags the other file with a picture; then rescans.
      place(fx.files.flac, join(dir, 'Album', 'cover.jpg'));
      makeMp3WithCover(join(dir, 'Other', 'plain.mp3'));
      await lib.service.scanAndWait();
      expect((await lib.media.resolve(`cover/local/${song.id}`))?.file).toBe(join(dir, 'Album', 'cover.jpg'));
      expect(await lib.media.resolve(`cover/local/${plain.id}`)).toMatchObject({ contentType: 'image/png' });
    } finally {
      await lib.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
