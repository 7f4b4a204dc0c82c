import { describe, expect, it } from 'vitest';
import { normalizeKey } from '../../../src/main/services/library/tags/musical-tags';
import { fillFromNames, parseFileStem } from '../../../src/main/services/library/tags/names-fallback';
import { ftsQuery } from '../../../src/main/services/library/search-query';
import { displayPath, filePathFromBytes } from '../../../src/main/services/library/scan/paths';

describe('normalizeKey', () => {
  it.each([
    ['Am', 'Am'],
    ['A minor', 'Am'],
    ['a min', 'Am'],
    ['8a', '8A'],
    ['12B', '12B'],
    ['Bbm', 'Bbm'],
    ['F♯', 'F#'],
    ['C major', 'C'],
    ['6d', '6d'],
    ['', null],
    ['   ', null],
  ])('%s → %s', (raw, expected) => expect(normalizeKey(raw)).toBe(expected));
});

describe('fillFromNames', () => {
  const empty = { title: '', artist: '', albumArtist: '', album: '', trackNo: null };
  it('takes artist, album, number and title from Artist/Album/NN - Title', () => {
    expect(
      fillFromNames(empty, ['Nina Simone', 'Pastel Blues', '03 - Be My Husband.flac'], 'Music'),
    ).toMatchObject({
      title: 'Be My Husband',
      artist: 'Nina Simone',
      album: 'Pastel Blues',
      trackNo: 3,
      fromNames: true,
    });
  });
  it('never leaves a field empty, even for a file in the root', () => {
    const names = fillFromNames(empty, ['.mp3'], 'Music');
    expect(names.title).not.toBe('');
    expect(names.album).toBe('Music');
    expect(names.artist).toBe('Unknown artist');
  });
  it('keeps tags when present', () => {
    expect(
      fillFromNames({ ...empty, title: 'T', artist: 'A', album: 'B' }, ['x', 'y', 'z.mp3'], 'M'),
    ).toMatchObject({
      title: 'T',
      artist: 'A',
      album: 'B',
      albumArtist: 'A',
      fromNames: false,
    });
  });
  it('parses "Artist - Title" stems', () => {
    expect(parseFileStem('Daft Punk - One More Time')).toEqual({
      artist: 'Daft Punk',
      title: 'One More Time',
      trackNo: null,
    });
  });
});

describe('ftsQuery', () => {
  it('makes every word a quoted prefix, so FTS syntax typed by the user is plain text', () => {
    expect(ftsQuery('beat ang')).toBe('"beat"* "ang"*');
    expect(ftsQuery('AC/DC "live" -x*')).toBe('"AC"* "DC"* "live"* "x"*');
    expect(ftsQuery(' ;; ')).toBeNull();
    expect(ftsQuery('olé', 'album')).toBe('{album} : ("olé"*)');
  });
});

describe('file paths as bytes', () => {
  it('keeps UTF-8 names as they are and gives other names a unique readable stand-in', () => {
    expect(filePathFromBytes(Buffer.from('/m/Café #1 50%?.mp3'))).toEqual({
      path: '/m/Café #1 50%?.mp3',
      bytes: null,
    });
    const latin1 = Buffer.concat([Buffer.from('/m/caf'), Buffer.from([0xe9]), Buffer.from('.mp3')]);
    const fp = filePathFromBytes(latin1);
    expect(fp.bytes?.equals(latin1)).toBe(true);
    expect(displayPath(fp.path)).toBe('/m/caf%E9.mp3');
  });
});
