import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/main/services/core/clock';
import { EventHub } from '../../../src/main/services/core/events';
import { silentLogger } from '../../../src/main/services/core/logger';
import type { Db } from '../../../src/main/services/db/database';
import { createDjDomain, type DjDomain } from '../../../src/main/services/dj';
import { locationToPath } from '../../../src/main/services/dj/import-rekordbox';
import { addTrack, openDjTestDb } from '../../unit/dj/dj-db';
import { makeAudio } from './audio-fixtures';

/**
 * Rekordbox XML import (issue 15 item 10): the app's own export comes back
 * as the same crate in the same order, into a fresh library that holds the
 * exported files under another mount point, or only the originals; and a
 * hand-written Rekordbox collection with nested folders imports as nested
 * folders and crates, with what is not in the library reported.
 */
let root: string;
const opened: Array<{ db: Db; dj: DjDomain }> = [];

function library(name: string) {
  const db = openDjTestDb(join(root, `${name}.sqlite`));
  const dj = createDjDomain({
    db,
    events: new EventHub(),
    clock: new FakeClock(),
    logger: silentLogger,
    dataDir: join(root, name),
    appVersion: '1.0.0',
  });
  opened.push({ db, dj });
  return { db, dj };
}

async function titlesOf(dj: DjDomain, listId: number): Promise<string[]> {
  const page = await dj.handlers['dj.listItems']({ id: listId, offset: 0, limit: 100 });
  return page.rows.map((r) => r.track?.title ?? `(gone) ${r.label}`);
}

const TRACKS = [
  { name: 'one', format: 'mp3', title: 'Opening', artist: 'Aki', seconds: 2 },
  { name: 'two', format: 'flac', title: 'Second Wind', artist: 'Bea & Co', seconds: 3 },
  { name: 'three', format: 'ogg', title: 'Café #3', artist: 'Çelik', seconds: 4 },
  { name: 'four', format: 'mp3', title: 'Closer', artist: '', seconds: 5 },
] as const;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'rekordbox-import-'));
});

afterAll(async () => {
  for (const { dj, db } of opened) {
    await dj.close();
    db.close();
  }
  rmSync(root, { recursive: true, force: true });
});

describe('Rekordbox XML import', () => {
  let xmlFile: string;
  let exportedFolder: string;
  const order = ['Café #3', 'Opening', 'Closer', 'Second Wind'];

  it("round-trips the app's own export: a crate exported, imported into a fresh library, comes back in the same order", async () => {
    const music = join(root, 'music');
    mkdirSync(music);
    const source = library('source');
    const ids = new Map<string, number>();
    for (const t of TRACKS) {
      const file = makeAudio(music, t.name, t.format, t.seconds);
      ids.set(
        t.title,
        addTrack(source.db, {
          path: file,
          title: t.title,
          artist: t.artist,
          size: statSync(file).size,
          durationMs: t.seconds * 1000,
        }),
      );
    }
    const crate = await source.dj.handlers['dj.createList']({
      kind: 'crate',
      name: 'Saturday & Sunday',
      parentId: null,
    });
    await source.dj.handlers['dj.addItems']({
      listId: crate.id,
      refs: order.map((title) => ({ source: 'local' as const, id: ids.get(title)! })),
      beforeItemId: null,
    });
    const stick = join(root, 'usb');
    mkdirSync(stick);
    const started = await source.dj.handlers['dj.export']({ listId: crate.id, destination: stick });
    const status = await source.dj.waitForExport(started.jobId);
    expect(status.state).toBe('done');
    xmlFile = status.rekordboxXmlFile!;
    exportedFolder = status.folder;

    // The stick mounted elsewhere on another machine: a fresh library that scanned its files there.
    const elsewhere = join(root, 'mnt', 'other-stick');
    mkdirSync(elsewhere, { recursive: true });
    cpSync(stick, elsewhere, { recursive: true });
    const fresh = library('fresh');
    const copied = join(elsewhere, readdirSync(elsewhere)[0]!, 'Music');
    // Untagged there (titles from file names), so only the location can match them.
    for (const file of readdirSync(copied)) {
      addTrack(fresh.db, {
        path: join(copied, file),
        title: file,
        artist: '',
        size: statSync(join(copied, file)).size,
        durationMs: 1000,
      });
    }
    const imported = await fresh.dj.handlers['dj.importRekordbox']({ path: xmlFile, parentId: null });
    expect(imported.unmatched).toEqual([]);
    expect(imported.matched).toBe(4);
    expect(imported.lists.map((l) => [l.kind, l.name])).toEqual([['crate', 'Saturday & Sunday']]);
    // The export's M3U8 lists the copied files in crate order: the imported crate holds those files, in that order.
    const m3u = readFileSync(status.playlistFile!, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('Music/'));
    const page = await fresh.dj.handlers['dj.listItems']({ id: imported.lists[0]!.id, offset: 0, limit: 10 });
    expect(page.rows.map((r) => r.track?.path)).toEqual(
      m3u.map((l) => join(copied, l.slice('Music/'.length))),
    );
  }, 60_000);

  it('a library with only the originals (other names and folders) matches by title, artist and duration', async () => {
    const originals = library('originals');
    for (const t of TRACKS) {
      const file = join(root, 'music', `${t.name}.${t.format}`);
      addTrack(originals.db, {
        path: file,
        title: t.title,
        artist: t.artist,
        size: statSync(file).size,
        durationMs: t.seconds * 1000,
      });
    }
    // A namesake of another length must not be taken.
    addTrack(originals.db, {
      path: '/elsewhere/opening-live.mp3',
      title: 'Opening',
      artist: 'Aki',
      durationMs: 300_000,
    });
    const imported = await originals.dj.handlers['dj.importRekordbox']({ path: xmlFile, parentId: null });
    expect(imported.unmatched).toEqual([]);
    expect(await titlesOf(originals.dj, imported.lists[0]!.id)).toEqual(order);
    const page = await originals.dj.handlers['dj.listItems']({
      id: imported.lists[0]!.id,
      offset: 0,
      limit: 10,
    });
    expect(page.rows.every((r) => r.track?.durationMs !== 300_000)).toBe(true);
    // Importing again does not clash with the first: a second crate " (2)".
    const again = await originals.dj.handlers['dj.importRekordbox']({ path: xmlFile, parentId: null });
    expect(again.lists.map((l) => l.name)).toEqual(['Saturday & Sunday (2)']);
    expect(exportedFolder).toBeTruthy();
  });

  it('imports a hand-written Rekordbox collection with nested folders, matching by path, and reports what is not in the library', async () => {
    const lib = library('handwritten');
    const a = addTrack(lib.db, {
      path: '/Users/dj/Music/House/Deep One.mp3',
      title: 'Deep One',
      artist: 'Kerri',
      durationMs: 361_000,
    });
    addTrack(lib.db, {
      path: '/Users/dj/Music/Techno/Hard & Fast.flac',
      title: 'Hard & Fast',
      artist: 'Zed',
      durationMs: 300_000,
    });
    addTrack(lib.db, {
      path: '/data/music/Warm Up.mp3',
      title: 'Warm Up',
      artist: 'Lia',
      durationMs: 200_000,
    });
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<DJ_PLAYLISTS Version="1.0.0">
  <PRODUCT Name="rekordbox" Version="6.7.4" Company="AlphaTheta"/>
  <COLLECTION Entries="4">
    <TRACK TrackID="11" Name="Deep One" Artist="Kerri" TotalTime="361" Location="file://localhost/Users/dj/Music/House/Deep%20One.mp3"/>
    <TRACK TrackID="12" Name="Hard &amp; Fast" Artist="Zed" TotalTime="300" Location="file://localhost/Users/dj/Music/Techno/Hard%20%26%20Fast.flac"/>
    <TRACK TrackID="13" Name="Not Here" Artist="Nobody" TotalTime="180" Location="file://localhost/Users/dj/Music/Not%20Here.mp3"/>
    <TRACK TrackID="14" Name="Warm Up" Artist="Lia" TotalTime="200" Location="file://localhost/E:/Music/Warm%20Up.mp3"/>
  </COLLECTION>
  <PLAYLISTS>
    <NODE Type="0" Name="ROOT" Count="2">
      <NODE Type="0" Name="Club" Count="2">
        <NODE Type="0" Name="Deep &amp; Dark" Count="1">
          <NODE Type="1" Name="Late" KeyType="0" Entries="3">
            <TRACK Key="12"/><TRACK Key="13"/><TRACK Key="11"/>
          </NODE>
        </NODE>
        <NODE Type="1" Name="By location" KeyType="1" Entries="1">
          <TRACK Key="file://localhost/Users/dj/Music/House/Deep%20One.mp3"/>
        </NODE>
      </NODE>
      <NODE Type="1" Name="Opener" KeyType="0" Entries="1"><TRACK Key="14"/></NODE>
    </NODE>
  </PLAYLISTS>
</DJ_PLAYLISTS>`;
    const file = join(root, 'rekordbox.xml');
    writeFileSync(file, xml);
    const imported = await lib.dj.handlers['dj.importRekordbox']({ path: file, parentId: null });
    expect(imported.matched).toBe(4);
    expect(imported.unmatched).toEqual([
      {
        name: 'Not Here',
        artist: 'Nobody',
        location: 'file://localhost/Users/dj/Music/Not%20Here.mp3',
        list: 'Late',
      },
    ]);

    const all = await lib.dj.handlers['dj.lists']({});
    const named = (name: string) => all.find((l) => l.name === name)!;
    expect(named('Club')).toMatchObject({ kind: 'folder', parentId: null });
    expect(named('Deep & Dark')).toMatchObject({ kind: 'folder', parentId: named('Club').id });
    expect(named('Late')).toMatchObject({ kind: 'crate', parentId: named('Deep & Dark').id, itemCount: 2 });
    expect(named('By location')).toMatchObject({ kind: 'crate', parentId: named('Club').id, itemCount: 1 });
    expect(named('Opener')).toMatchObject({ kind: 'crate', parentId: null, itemCount: 1 });
    expect(await titlesOf(lib.dj, named('Late').id)).toEqual(['Hard & Fast', 'Deep One']);
    expect(
      (await lib.dj.handlers['dj.listItems']({ id: named('By location').id, offset: 0, limit: 5 })).rows[0]!
        .ref,
    ).toEqual({ source: 'local', id: a });
    // The E: drive path is not in this library: found by title, artist and length.
    expect(await titlesOf(lib.dj, named('Opener').id)).toEqual(['Warm Up']);
  });

  it('refuses a file that is not a Rekordbox XML with a clear error and makes no list', async () => {
    const lib = library('bad');
    const notXml = join(root, 'not.xml');
    writeFileSync(notXml, '<playlist><entry/></playlist>');
    await expect(lib.dj.handlers['dj.importRekordbox']({ path: notXml, parentId: null })).rejects.toThrow(
      /Not a Rekordbox XML file/,
    );
    await expect(
      lib.dj.handlers['dj.importRekordbox']({ path: join(root, 'missing.xml'), parentId: null }),
    ).rejects.toThrow(/Cannot read/);
    expect(await lib.dj.handlers['dj.lists']({})).toEqual([]);
  });

  it('reads Rekordbox locations: percent-encoding, localhost, Windows drives', () => {
    expect(locationToPath('file://localhost/Music/a%20b%23.mp3')).toBe('/Music/a b#.mp3');
    expect(locationToPath('file:///Music/x.mp3')).toBe('/Music/x.mp3');
    expect(locationToPath('file://localhost/E:/Music/x.mp3')).toBe('E:/Music/x.mp3');
    expect(locationToPath('http://example.com/x.mp3')).toBeNull();
    expect(locationToPath('file://localhost/%E0%A4%A')).toBeNull();
  });
});
