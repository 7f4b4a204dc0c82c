import { describe, expect, it } from 'vitest';
import {
  NameAllocator,
  checkFileNamePattern,
  renderFileStem,
  sanitizeFileName,
  sanitizeFileStem,
} from '../../../src/main/services/dj/file-names';
import { fileLocation } from '../../../src/main/services/dj/rekordbox-xml';

describe('FAT/exFAT-safe file names', () => {
  it.each([
    ['AC/DC - Back: In <Black>?', 'AC_DC - Back_ In _Black__'],
    ['a\\b|c*d"e', 'a_b_c_d_e'],
    ['tab\there\u0001', 'tab_here_'],
    ['Intro...', 'Intro'],
    ['Outro . . ', 'Outro'],
    ['  spaced  out  ', 'spaced out'],
    ['CON', '_CON'],
    ['nul', '_nul'],
    ['com1.remix', '_com1.remix'],
    ['LPT9', '_LPT9'],
    ['Console', 'Console'],
    ['', 'Untitled'],
    ['...', 'Untitled'],
  ])('%j → %j', (raw, safe) => {
    expect(sanitizeFileStem(raw)).toBe(safe);
  });

  it('caps long names without splitting a character, keeping the extension', () => {
    const name = sanitizeFileName('🎵'.repeat(200), 'MP3');
    expect(name.endsWith('.mp3')).toBe(true);
    expect(name.length).toBeLessThanOrEqual(124);
    expect(name).not.toMatch(/[\ud800-\udbff]\./);
  });

  it('numbers collisions, case-insensitively as FAT does', () => {
    const names = new NameAllocator();
    expect(names.allocate('Artist - Title', 'mp3')).toBe('Artist - Title.mp3');
    expect(names.allocate('artist - title', 'MP3')).toBe('artist - title (2).mp3');
    expect(names.allocate('Artist - Title.', 'mp3')).toBe('Artist - Title (3).mp3');
    expect(names.allocate('Artist - Title', 'flac')).toBe('Artist - Title.flac');
  });

  it('writes Rekordbox locations percent-encoded', () => {
    expect(fileLocation('/media/usb/Set/Music/A & B #1 100%.mp3')).toBe(
      'file://localhost/media/usb/Set/Music/A%20%26%20B%20%231%20100%25.mp3',
    );
    expect(fileLocation('E:\\Set\\Music\\Café.mp3')).toBe('file://localhost/E:/Set/Music/Caf%C3%A9.mp3');
  });
});

describe('file-name patterns', () => {
  it('fills fields and drops separators around empty values', () => {
    const v = { artist: 'Mattias W', title: 'Night Drive', bpm: 124, key: '8A', n: '03' };
    expect(renderFileStem('{artist} - {title}', v)).toBe('Mattias W - Night Drive');
    expect(renderFileStem('{bpm} {key} - {artist} - {title}', v)).toBe('124 8A - Mattias W - Night Drive');
    expect(renderFileStem('{bpm} {key} - {artist} - {title}', { title: 'Night Drive' })).toBe('Night Drive');
    expect(renderFileStem('{artist} - {title} ({year})', { artist: 'A', title: 'T', year: null })).toBe(
      'A - T',
    );
    expect(renderFileStem('{n} {artist} - {title}', v)).toBe('03 Mattias W - Night Drive');
    expect(renderFileStem('{title}', { title: '...Baby' })).toBe('...Baby');
  });

  it('checks the fields a pattern names', () => {
    expect(checkFileNamePattern('{bpm} {key} - {artist} - {title}')).toBeNull();
    expect(checkFileNamePattern('{n}')).toBeNull();
    expect(checkFileNamePattern('{artist} {tempo}')).toMatch(/Unknown \{tempo\}/);
    expect(checkFileNamePattern('{artist}')).toMatch(/needs \{title\} or \{n\}/);
  });
});
