import { appendFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFile } from 'music-metadata';
import { FakeClock } from '../../../src/main/services/core/clock';
import { EventHub } from '../../../src/main/services/core/events';
import { silentLogger } from '../../../src/main/services/core/logger';
import { createDjDomain, type DjDomain } from '../../../src/main/services/dj';
import type { Db } from '../../../src/main/services/db/database';
import { addTrack, openDjTestDb } from '../../unit/dj/dj-db';
import { makeAudio } from './audio-fixtures';

let root: string;
let music: string;
let db: Db;
let dj: DjDomain;
const files: Record<string, { path: string; id: number }> = {};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'dj-import-'));
  music = join(root, 'music', 'sub dir');
  mkdirSync(music, { recursive: true });
  db = openDjTestDb(join(root, 'db.sqlite'));
  dj = createDjDomain({
    db,
    events: new EventHub(),
    clock: new FakeClock(),
    logger: silentLogger,
    dataDir: root,
  });
  for (const format of ['mp3', 'flac', 'm4a', 'ogg'] as const) {
    const path = makeAudio(music, `tone ${format}`, format, 1, {
      title: `Old ${format}`,
      artist: 'Old Artist',
      genre: 'Old',
    });
    files[format] = {
      path,
      id: addTrack(db, {
        path,
        title: `Old ${format}`,
        artist: 'Old Artist',
        genre: 'Old',
        size: statSync(path).size,
      }),
    };
  }
});

afterAll(async () => {
  await dj.close();
  db.close();
  rmSync(root, { recursive: true, force: true });
});

describe('playlist import', () => {
  it('imports an M3U8 with relative, absolute and file:// entries', async () => {
    const playlist = join(root, 'music', 'set.m3u8');
    writeFileSync(
      playlist,
      [
        '#EXTM3U',
        '#EXTINF:1,x',
        'sub dir/tone mp3.mp3',
        files.flac!.path,
        pathToFileURL(files.ogg!.path).href,
        'sub dir\\tone m4a.m4a',
        'missing.mp3',
        'http://radio.example/stream',
        'sub dir/tone mp3.mp3',
      ].join('\r\n'),
    );
    const result = await dj.handlers['dj.importPlaylist']({ path: playlist, parentId: null });
    expect(result.list).toMatchObject({ name: 'set', kind: 'crate', itemCount: 4 });
    expect(result.matched).toBe(4);
    expect(result.unmatched).toEqual([join(root, 'music', 'missing.mp3')]);
    const items = await dj.handlers['dj.listItems']({ id: result.list.id, offset: 0, limit: 10 });
    expect(items.rows.map((r) => r.track?.id)).toEqual([
      files.mp3!.id,
      files.flac!.id,
      files.ogg!.id,
      files.m4a!.id,
    ]);
  });

  it('imports a PLS in its File order, and a Windows-1252 M3U', async () => {
    const pls = join(root, 'music', 'old.pls');
    writeFileSync(
      pls,
      `[playlist]\nFile2=sub dir/tone flac.flac\nTitle2=x\nFile1=${files.ogg!.path}\nNumberOfEntries=2\nVersion=2\n`,
    );
    const result = await dj.handlers['dj.importPlaylist']({ path: pls, name: 'From PLS', parentId: null });
    const items = await dj.handlers['dj.listItems']({ id: result.list.id, offset: 0, limit: 10 });
    expect(items.rows.map((r) => r.track?.id)).toEqual([files.ogg!.id, files.flac!.id]);

    const latin = join(root, 'music', 'latin.m3u');
    writeFileSync(
      latin,
      Buffer.concat([
        Buffer.from('#EXTM3U\n#EXTINF:1,Caf'),
        Buffer.from([0xe9]),
        Buffer.from('\nsub dir/tone m4a.m4a\n'),
      ]),
    );
    const latinResult = await dj.handlers['dj.importPlaylist']({ path: latin, parentId: null });
    expect(latinResult.matched).toBe(1);
  });
});

describe('tag editing', () => {
  it.each(['mp3', 'flac', 'm4a', 'ogg'] as const)(
    'previews, writes and reads back the tags of a %s file',
    async (format) => {
      const ref = { source: 'local' as const, id: files[format]!.id };
      const changes = {
        title: 'New Title',
        artist: 'Mattias W',
        album: 'Night Drives',
        genre: 'Deep House',
        bpm: 123.6,
        key: '8A',
      };
      const preview = await dj.handlers['dj.previewTags']({ ref, changes });
      expect(preview.changes).toEqual([
        { field: 'title', from: `Old ${format}`, to: 'New Title' },
        { field: 'artist', from: 'Old Artist', to: 'Mattias W' },
        { field: 'album', from: null, to: 'Night Drives' },
        { field: 'genre', from: 'Old', to: 'Deep House' },
        { field: 'bpm', from: null, to: '124' },
        { field: 'key', from: null, to: 'Am' },
      ]);
      const written = await dj.handlers['dj.writeTags']({ ref, changes, keyNotation: 'musical' });
      expect(written.diff.changes).toHaveLength(6);
      expect(written.track).toMatchObject({
        title: 'New Title',
        artist: 'Mattias W',
        album: 'Night Drives',
        genre: 'Deep House',
        bpm: 124,
        key: 'Am',
        camelotKey: '8A',
      });
      // The row's artist and album links follow the new tags; the album artist was the artist, so it follows too.
      const links = db
        .prepare(
          `SELECT t.album_artist, ar.name AS artist, al.title AS album, al.album_artist AS album_of
           FROM library_tracks t JOIN library_artists ar ON ar.id = t.artist_id JOIN library_albums al ON al.id = t.album_id
           WHERE t.id = ?`,
        )
        .get(ref.id);
      expect(links).toEqual({
        album_artist: 'Mattias W',
        artist: 'Mattias W',
        album: 'Night Drives',
        album_of: 'Mattias W',
      });

      const meta = await parseFile(files[format]!.path);
      expect(meta.common).toMatchObject({
        title: 'New Title',
        artist: 'Mattias W',
        album: 'Night Drives',
        genre: ['Deep House'],
      });
      expect(Math.round(meta.common.bpm ?? 0)).toBe(124);
      expect(meta.format.duration).toBeGreaterThan(0.5); // the audio survived
      const again = await dj.handlers['dj.previewTags']({ ref, changes });
      expect(again.changes).toEqual([]);
      const found = await dj.handlers['dj.query']({
        query: 'key:8A artist:"mattias w" bpm:124',
        offset: 0,
        limit: 10,
        sort: 'artist',
        direction: 'asc',
        status: 'ok',
      });
      expect(found.rows.map((r) => r.id)).toContain(ref.id);
    },
  );

  it('undoes the last write from the backup in the data folder', async () => {
    const ref = { source: 'local' as const, id: files.mp3!.id };
    const before = await parseFile(files.mp3!.path);
    const written = await dj.handlers['dj.writeTags']({
      ref,
      changes: { title: 'Undo Me', bpm: 99 },
      keyNotation: 'musical',
    });
    expect(written.undoable).toBe(true);
    expect((await parseFile(files.mp3!.path)).common.title).toBe('Undo Me');
    const undone = await dj.handlers['dj.undoTags']({ ref });
    expect(undone.diff.changes).toEqual(
      expect.arrayContaining([{ field: 'title', from: 'Undo Me', to: before.common.title ?? null }]),
    );
    expect(undone.track.title).toBe(before.common.title);
    const after = await parseFile(files.mp3!.path);
    expect(after.common.title).toBe(before.common.title);
    expect(after.common.bpm).toBe(before.common.bpm);
    await expect(async () => dj.handlers['dj.undoTags']({ ref })).rejects.toThrow(/no tag change to undo/);

    // A file changed elsewhere after the write is not overwritten.
    await dj.handlers['dj.writeTags']({ ref, changes: { title: 'Second' }, keyNotation: 'musical' });
    appendFileSync(files.mp3!.path, Buffer.alloc(16));
    await expect(async () => dj.handlers['dj.undoTags']({ ref })).rejects.toThrow(/changed since/);
  });

  it('refuses co-op tracks and bad keys', async () => {
    await expect(async () =>
      dj.handlers['dj.previewTags']({ ref: { source: 'coop', id: 'abc' }, changes: { title: 'x' } }),
    ).rejects.toThrow(/catalog/);
    await expect(async () =>
      dj.handlers['dj.previewTags']({ ref: { source: 'local', id: files.mp3!.id }, changes: { key: 'H#' } }),
    ).rejects.toThrow(/not a key/);
  });
});
