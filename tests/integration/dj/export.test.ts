import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { FakeClock } from '../../../src/main/services/core/clock';
import { EventHub } from '../../../src/main/services/core/events';
import { silentLogger } from '../../../src/main/services/core/logger';
import { createDjDomain, type DjDomain } from '../../../src/main/services/dj';
import type { Db } from '../../../src/main/services/db/database';
import type { ExportStatus } from '../../../src/shared/contract/dj';
import { addTrack, openDjTestDb } from '../../unit/dj/dj-db';
import { makeAudio } from './audio-fixtures';

let root: string;
let db: Db;
let dj: DjDomain;
const progress: ExportStatus[] = [];
const ids: number[] = [];

async function call<T>(p: T | Promise<T>): Promise<T> {
  return p;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'dj-export-'));
  const music = join(root, 'music');
  mkdirSync(music);
  db = openDjTestDb(join(root, 'db.sqlite'));
  const events = new EventHub();
  events.subscribe((name, payload) => {
    if (name === 'dj.exportProgress') progress.push(payload as ExportStatus);
  });
  dj = createDjDomain({
    db,
    events,
    clock: new FakeClock(),
    logger: silentLogger,
    dataDir: root,
    appVersion: '9.9.9',
  });
  const tracks = [
    { name: 'a', format: 'mp3', title: 'Night Drive', artist: 'Mattias W', bpm: 124, key: 'Am' },
    { name: 'b', format: 'flac', title: 'Con', artist: '', bpm: 126.5, key: '9A' },
    { name: 'c', format: 'm4a', title: 'What? <Yes>: "No"|*', artist: 'AC/DC', bpm: null, key: null },
    { name: 'd', format: 'ogg', title: 'Night Drive', artist: 'Mattias W', bpm: 128, key: 'F#m' }, // same name as a, other format
    { name: 'e', format: 'mp3', title: 'Café & Crème 100% #1.', artist: 'Ünïcode', bpm: 122, key: 'Bbmaj' },
  ] as const;
  for (const t of tracks) {
    const file = makeAudio(music, t.name, t.format, 1);
    ids.push(
      addTrack(db, {
        path: file,
        title: t.title,
        artist: t.artist,
        bpm: t.bpm,
        key: t.key,
        size: statSync(file).size,
        durationMs: 1000,
      }),
    );
  }
  // Same name as track a and the same extension: must not overwrite it.
  const twin = makeAudio(music, 'a2', 'mp3', 2);
  ids.push(
    addTrack(db, {
      path: twin,
      title: 'Night Drive',
      artist: 'Mattias W',
      bpm: 124,
      key: '8A',
      size: statSync(twin).size,
      durationMs: 2000,
    }),
  );
});

afterAll(async () => {
  await dj.close();
  db.close();
  rmSync(root, { recursive: true, force: true });
});

function tree(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) =>
      e.isDirectory()
        ? [`${prefix}${e.name}/`, ...tree(join(dir, e.name), `${prefix}  `)]
        : [`${prefix}${e.name}`],
    );
}

describe('export a crate', () => {
  let crateId: number;
  let status: ExportStatus;

  it('builds a crate and reports duplicates', async () => {
    const crate = await call(
      dj.handlers['dj.createList']({ kind: 'crate', name: 'Friday: Warm-up?', parentId: null }),
    );
    crateId = crate.id;
    const added = await call(
      dj.handlers['dj.addItems']({
        listId: crateId,
        refs: ids.map((id) => ({ source: 'local' as const, id })),
        beforeItemId: null,
      }),
    );
    expect(added).toMatchObject({ added: 6, duplicates: [], unknown: [] });
    const again = await call(
      dj.handlers['dj.addItems']({
        listId: crateId,
        refs: [
          { source: 'local', id: ids[0]! },
          { source: 'local', id: 999 },
        ],
        beforeItemId: null,
      }),
    );
    expect(again).toEqual({
      added: 0,
      duplicates: [{ source: 'local', id: ids[0] }],
      unknown: [{ source: 'local', id: 999 }],
    });
  });

  it('copies the files with safe unique names, writes the M3U8 and the Rekordbox XML', async () => {
    const dest = join(root, 'usb');
    mkdirSync(dest);
    const started = await call(dj.handlers['dj.export']({ listId: crateId, destination: dest }));
    status = await dj.waitForExport(started.jobId);
    expect(status).toMatchObject({
      state: 'done',
      filesTotal: 6,
      filesDone: 6,
      filesSkipped: 0,
      problems: [],
      error: null,
    });
    expect(status.bytesDone).toBe(status.bytesTotal);
    expect(progress.at(-1)!.state).toBe('done');
    expect(progress.some((p) => p.state === 'copying')).toBe(true);

    const folder = status.folder;
    expect(folder).toBe(join(dest, 'Friday_ Warm-up_'));
    const layout = tree(dest);
    console.log(`Exported layout:\n${layout.join('\n')}`);
    const music = readdirSync(join(folder, 'Music')).sort();
    expect(music).toEqual(
      [
        'AC_DC - What_ _Yes__ _No___.m4a',
        '_Con.flac',
        'Mattias W - Night Drive (2).mp3',
        'Mattias W - Night Drive.mp3',
        'Mattias W - Night Drive.ogg',
        'Ünïcode - Café & Crème 100% #1.mp3',
      ].sort(),
    );
    expect(music.every((n) => !/[<>:"\\|?*]/.test(n) && !/[. ]$/.test(n.replace(/\.[a-z0-9]+$/, '')))).toBe(
      true,
    );

    // M3U8: in crate order, relative paths that resolve to the copied files.
    const m3u = readFileSync(status.playlistFile!, 'utf8');
    const lines = m3u.trim().split('\n');
    expect(lines[0]).toBe('#EXTM3U');
    expect(lines[1]).toBe('#EXTINF:1,Mattias W - Night Drive');
    const paths = lines.filter((l) => !l.startsWith('#'));
    expect(paths).toHaveLength(6);
    for (const p of paths) {
      expect(p.startsWith('Music/')).toBe(true);
      expect(existsSync(resolve(dirname(status.playlistFile!), p))).toBe(true);
    }

    // Rekordbox XML: parse it back.
    const xml = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      isArray: (name) => name === 'TRACK',
    }).parse(readFileSync(status.rekordboxXmlFile!, 'utf8'));
    const doc = xml.DJ_PLAYLISTS;
    expect(doc.PRODUCT).toMatchObject({ Name: 'Resonate Player', Version: '9.9.9' });
    expect(doc.COLLECTION.Entries).toBe('6');
    const entries = doc.COLLECTION.TRACK as Record<string, string>[];
    expect(entries).toHaveLength(6);
    expect(entries[0]).toMatchObject({
      TrackID: '1',
      Name: 'Night Drive',
      Artist: 'Mattias W',
      Kind: 'MP3 File',
      AverageBpm: '124.00',
      Tonality: 'Am',
      TotalTime: '1',
    });
    expect(entries[1]).toMatchObject({ Kind: 'FLAC File', AverageBpm: '126.50', Tonality: 'Em' });
    expect(entries[2]).toMatchObject({ Name: 'What? <Yes>: "No"|*', Artist: 'AC/DC', Tonality: '' });
    expect(entries[4]).toMatchObject({ Name: 'Café & Crème 100% #1.', Tonality: 'Bb' });
    for (const e of entries) {
      expect(e.Location!.startsWith('file://localhost/')).toBe(true);
      const file = fileURLToPath(e.Location!.replace('file://localhost/', 'file:///'));
      expect(existsSync(file)).toBe(true);
    }
    expect(entries[4]!.Location).toContain('Caf%C3%A9%20%26%20Cr%C3%A8me%20100%25%20%231.mp3');
    const rootNode = doc.PLAYLISTS.NODE;
    expect(rootNode).toMatchObject({ Type: '0', Name: 'ROOT' });
    expect(rootNode.NODE).toMatchObject({ Type: '1', KeyType: '0', Name: 'Friday: Warm-up?', Entries: '6' });
    expect((rootNode.NODE.TRACK as { Key: string }[]).map((t) => t.Key)).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
    ]);
  });

  it('numbers the crate’s rows 1, 2, 3 … in their order, after moves too (not by the stored sort key)', async () => {
    const page = await call(dj.handlers['dj.listItems']({ id: crateId, offset: 0, limit: 100 }));
    expect(page.rows.map((r) => r.position)).toEqual([0, 1, 2, 3, 4, 5]);
    const [first, second] = page.rows;
    await call(
      dj.handlers['dj.moveItems']({
        listId: crateId,
        itemIds: [second!.itemId!],
        beforeItemId: first!.itemId!,
      }),
    );
    const moved = await call(dj.handlers['dj.listItems']({ id: crateId, offset: 0, limit: 100 }));
    expect(moved.rows.map((r) => r.itemId)).toEqual([
      second!.itemId,
      first!.itemId,
      ...page.rows.slice(2).map((r) => r.itemId),
    ]);
    expect(moved.rows.map((r) => r.position)).toEqual([0, 1, 2, 3, 4, 5]);
    const tail = await call(dj.handlers['dj.listItems']({ id: crateId, offset: 4, limit: 100 }));
    expect(tail.rows.map((r) => r.position)).toEqual([4, 5]);
    // Back as it was, for the export below.
    await call(
      dj.handlers['dj.moveItems']({
        listId: crateId,
        itemIds: [first!.itemId!],
        beforeItemId: second!.itemId!,
      }),
    );
  });

  it('resumes: an interrupted export copies only what is missing, and keeps names', async () => {
    const dest = dirname(status.folder);
    const musicDir = join(status.folder, 'Music');
    // Simulate an interruption: one file never arrived, one is half written, one left as .part.
    rmSync(join(musicDir, '_Con.flac'));
    const half = join(musicDir, 'Mattias W - Night Drive.ogg');
    writeFileSync(half, readFileSync(half).subarray(0, 100));
    writeFileSync(join(musicDir, 'Mattias W - Night Drive.mp3.part'), 'junk');
    const started = await call(dj.handlers['dj.export']({ listId: crateId, destination: dest }));
    const again = await dj.waitForExport(started.jobId);
    expect(again).toMatchObject({ state: 'done', filesTotal: 6, filesSkipped: 4, filesDone: 6 });
    expect(again.bytesTotal).toBe(statSync(join(musicDir, '_Con.flac')).size + statSync(half).size);
    expect(
      readdirSync(musicDir)
        .filter((n) => !n.endsWith('.part'))
        .sort(),
    ).toHaveLength(6);
  });

  it('drops files of tracks removed from the crate, and cancels cleanly', async () => {
    const items = await call(dj.handlers['dj.listItems']({ id: crateId, offset: 0, limit: 100 }));
    await call(dj.handlers['dj.removeItems']({ listId: crateId, itemIds: [items.rows[1]!.itemId!] }));
    const dest = dirname(status.folder);
    const started = await call(dj.handlers['dj.export']({ listId: crateId, destination: dest }));
    const done = await dj.waitForExport(started.jobId);
    expect(done).toMatchObject({ state: 'done', filesTotal: 5, filesSkipped: 5 });
    expect(existsSync(join(status.folder, 'Music', '_Con.flac'))).toBe(false);

    const fresh = join(root, 'usb2');
    mkdirSync(fresh);
    const job = await call(dj.handlers['dj.export']({ listId: crateId, destination: fresh }));
    dj.handlers['dj.cancelExport']({ jobId: job.jobId });
    const cancelled = await dj.waitForExport(job.jobId);
    expect(cancelled.state).toBe('cancelled');
    expect(readdirSync(join(cancelled.folder, 'Music')).filter((n) => n.endsWith('.part'))).toEqual([]);
  });

  it('names files by a pattern, and renames them when the pattern changes', async () => {
    await expect(async () =>
      dj.handlers['dj.export']({ listId: crateId, destination: root, fileNamePattern: '{bpm} {tempo}' }),
    ).rejects.toThrow(/Unknown \{tempo\}/);
    const dest = dirname(status.folder);
    const musicDir = join(status.folder, 'Music');
    const started = await call(
      dj.handlers['dj.export']({
        listId: crateId,
        destination: dest,
        fileNamePattern: '{bpm} {key} - {artist} - {title}',
      }),
    );
    const done = await dj.waitForExport(started.jobId);
    expect(done).toMatchObject({ state: 'done', filesTotal: 5, problems: [] });
    // No BPM, key or artist: the separators around them go too.
    expect(
      readdirSync(musicDir)
        .filter((n) => !n.endsWith('.part'))
        .sort(),
    ).toEqual(
      [
        '122 6B - Ünïcode - Café & Crème 100% #1.mp3',
        '124 8A - Mattias W - Night Drive (2).mp3',
        '124 8A - Mattias W - Night Drive.mp3',
        '128 11A - Mattias W - Night Drive.ogg',
        'AC_DC - What_ _Yes__ _No___.m4a',
      ].sort(),
    );
    const m3u = readFileSync(done.playlistFile!, 'utf8');
    expect(m3u).toContain('Music/124 8A - Mattias W - Night Drive.mp3');
    // The same pattern again: nothing to copy, names kept.
    const again = await dj.waitForExport(
      (
        await call(
          dj.handlers['dj.export']({
            listId: crateId,
            destination: dest,
            fileNamePattern: '{bpm} {key} - {artist} - {title}',
          }),
        )
      ).jobId,
    );
    expect(again).toMatchObject({ state: 'done', filesSkipped: 5 });
    // Back to the default.
    await dj.waitForExport(
      (await call(dj.handlers['dj.export']({ listId: crateId, destination: dest }))).jobId,
    );
    expect(readdirSync(musicDir)).toContain('Mattias W - Night Drive.ogg');
    expect(readdirSync(musicDir).filter((n) => !n.endsWith('.part'))).toHaveLength(5);
  });

  it('fails up front when the destination is missing', async () => {
    const job = await call(
      dj.handlers['dj.export']({ listId: crateId, destination: join(root, 'not-plugged-in') }),
    );
    const failed = await dj.waitForExport(job.jobId);
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatch(/not there/);
  });
});

describe('export to a stick', () => {
  const stick = '/dev/shm';
  const onOwnMount = existsSync(stick) && statSync(stick).dev !== statSync(tmpdir()).dev;

  it.skipIf(!onOwnMount)(
    'fills the Rekordbox fields, locates files from the stick’s root, and never copies a file cut short',
    async () => {
      const music = join(root, 'stick-music');
      mkdirSync(music, { recursive: true });
      const tagged = makeAudio(music, 'tagged', 'flac', 2, {
        track: '7/12',
        date: '2019',
        comment: 'Peak time, big room',
      });
      const whole = makeAudio(music, 'long', 'flac', 30);
      // A download cut short after the scan read it: the library still holds it as a 30 s track.
      const cut = join(music, 'cut.flac');
      writeFileSync(cut, readFileSync(whole).subarray(0, 3000));
      const addedAt = Date.UTC(2024, 4, 17, 12, 0, 0);
      const taggedId = addTrack(db, {
        path: tagged,
        title: 'Tagged',
        artist: 'Stick',
        size: statSync(tagged).size,
        durationMs: 2000,
        addedAt,
        codec: 'FLAC',
      });
      const cutId = addTrack(db, {
        path: cut,
        title: 'Cut Short',
        artist: 'Stick',
        size: 300_000,
        durationMs: 30_000,
        codec: 'FLAC',
      });
      const crate = await call(
        dj.handlers['dj.createList']({ kind: 'crate', name: 'Stick Test', parentId: null }),
      );
      await call(
        dj.handlers['dj.addItems']({
          listId: crate.id,
          refs: [taggedId, cutId].map((id) => ({ source: 'local' as const, id })),
          beforeItemId: null,
        }),
      );

      const dest = mkdtempSync(join(stick, 'resonate-usb-'));
      try {
        const started = await call(dj.handlers['dj.export']({ listId: crate.id, destination: dest }));
        const done = await dj.waitForExport(started.jobId);
        expect(done).toMatchObject({ state: 'done', filesTotal: 1 });
        expect(done.problems).toEqual([
          {
            label: 'Stick – Cut Short',
            reason: 'The file is cut short: it ends after 3 KB, before any of its 30 s of audio.',
          },
        ]);
        expect(readdirSync(join(done.folder, 'Music'))).toEqual(['Stick - Tagged.flac']);

        const xml = new XMLParser({
          ignoreAttributes: false,
          attributeNamePrefix: '',
          isArray: (name) => name === 'TRACK',
        }).parse(readFileSync(done.rekordboxXmlFile!, 'utf8'));
        const entries = xml.DJ_PLAYLISTS.COLLECTION.TRACK as Record<string, string>[];
        expect(entries).toHaveLength(1);
        expect(entries[0]).toMatchObject({
          Name: 'Tagged',
          TrackNumber: '7',
          Year: '2019',
          BitRate: expect.stringMatching(/^[1-9]\d*$/),
          SampleRate: '44100',
          DateAdded: '2024-05-17',
          Comments: 'Peak time, big room',
          Size: String(statSync(tagged).size),
        });
        // From the root of the stick, wherever it is mounted next: /dev/shm is the mount here.
        const below = `${dest.slice(stick.length + 1)}/Stick%20Test/Music/Stick%20-%20Tagged.flac`;
        expect(entries[0]!.Location).toBe(`file://localhost/${below}`);
      } finally {
        rmSync(dest, { recursive: true, force: true });
      }
    },
  );
});
