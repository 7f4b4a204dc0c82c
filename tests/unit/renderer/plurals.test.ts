import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { en } from '../../../src/renderer/src/i18n/en';

const i18n = i18next.createInstance();
beforeAll(async () => {
  await i18n.init({
    lng: 'en',
    resources: { en: { translation: en } },
    interpolation: { escapeValue: false },
  });
});

// Issue 15: "1 albums", "1 files/s". Counted words come from i18next plurals, as the views compose them.
describe('plurals in the UI strings', () => {
  it('an artist with one album and one track', () => {
    const summary = i18n.t('artists.summary', {
      albums: i18n.t('albums.count', { count: 1 }),
      tracks: i18n.t('albums.tracks', { count: 1 }),
    });
    expect(summary).toBe('1 album · 1 track');
    expect(
      i18n.t('artists.summary', {
        albums: i18n.t('albums.count', { count: 2 }),
        tracks: i18n.t('albums.tracks', { count: 12 }),
      }),
    ).toBe('2 albums · 12 tracks');
  });
  it('a scan rate of one file a second', () => {
    expect(i18n.t('scan.progress', { done: 3, total: 9, rate: i18n.t('scan.rate', { count: 1 }) })).toBe(
      '3 of 9 files · 1 file/s',
    );
    expect(i18n.t('scan.rate', { count: 250 })).toBe('250 files/s');
  });
  it('the failed checks named in the publish confirmation', () => {
    expect(i18n.t('artist.publish.failedChecks', { count: 1 })).toBe('This check did not pass:');
    expect(i18n.t('artist.publish.failedChecks', { count: 3 })).toBe('These 3 checks did not pass:');
  });
});
