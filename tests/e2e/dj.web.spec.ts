import { expect, test, type Page } from '@playwright/test';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seriousA11yViolations } from './support/a11y';
import { docScreenshot } from './support/screenshots';
import { openApp, type OpenApp } from './support/web-app';
import { coverImage, fromLavfi, sineTone, tagOptions } from '../support/ffmpeg';

/**
 * The DJ views end to end, in real Chromium through the web host: MP3s made
 * with ffmpeg carrying BPM (TBPM) and key (TKEY) tags, filtered with the query
 * language, gathered into a crate by drag and drop and the context menu,
 * reordered, and exported to a temporary folder that is then read back.
 */
test.describe.configure({ mode: 'serial' });

interface DjFixture {
  title: string;
  artist: string;
  bpm: number;
  key: string;
  genre: string;
}

const TRACKS: DjFixture[] = [
  { title: 'Deep Current', artist: 'Mattias W', bpm: 124, key: '8A', genre: 'House' },
  { title: 'Night Shift', artist: 'Lena Kraft', bpm: 126, key: 'Am', genre: 'House' },
  { title: 'Slow Burn', artist: 'Dubwise', bpm: 90, key: '5A', genre: 'Dub' },
  { title: 'Peak Hour', artist: 'Lena Kraft', bpm: 128, key: 'Em', genre: 'Techno' },
  { title: 'Warm Up', artist: 'Mattias W', bpm: 122, key: 'Db', genre: 'House' },
];

let app: OpenApp;
let page: Page;
let errors: string[];
let music: string;
let exportTo: string;

function makeMusic(): string {
  const root = mkdtempSync(join(tmpdir(), 'resonate-dj-music-'));
  TRACKS.forEach((t, i) => {
    const folder = join(root, t.artist);
    mkdirSync(folder, { recursive: true });
    // A folder cover, so the now-playing bar has artwork to show.
    const cover = `gradients=s=200x200:c0=0x${(0x1d4ed8 + i * 0x101010).toString(16)}:c1=0x0b6e4f:d=1`;
    coverImage(cover, join(folder, 'cover.jpg'));
    const tags = { title: t.title, artist: t.artist, album: `${t.artist} Tools`, genre: t.genre };
    fromLavfi(
      sineTone(200 + i * 60, 3 + i, 44100),
      [
        ...['-ac', '2', '-c:a', 'libmp3lame', '-b:a', '96k', '-id3v2_version', '3'],
        ...tagOptions({ ...tags, TBPM: t.bpm, TKEY: t.key }),
      ],
      join(folder, `${t.title}.mp3`),
    );
  });
  return root;
}

test.beforeAll(async () => {
  music = makeMusic();
  exportTo = mkdtempSync(join(tmpdir(), 'resonate-dj-usb-'));
  app = await openApp();
  ({ page, errors } = app);
});
test.afterAll(async () => {
  await app?.close();
});

const sidebar = () => page.getByRole('navigation', { name: 'Main' });
const djGrid = () => page.getByRole('grid', { name: 'DJ tracks' });
const rowOf = (title: string) => djGrid().getByRole('row').filter({ hasText: title });
const query = () => page.getByTestId('dj-query');
const titles = async (grid: ReturnType<Page['getByRole']>) =>
  (await grid.getByRole('row').allInnerTexts()).slice(1).map((line) =>
    line
      .split('\n')
      .find((cell) => TRACKS.some((t) => t.title === cell.trim()))
      ?.trim(),
  );

async function expectNoSeriousA11yViolations(view: string) {
  expect(await seriousA11yViolations(page), `axe on ${view}`).toEqual([]);
}

test('the DJ collection lists the tagged files with BPM and key in Camelot, then musical notation', async () => {
  await page.getByLabel('Music folder path').fill(music);
  await page.getByRole('button', { name: 'Add folder' }).click();
  await expect(page.getByTestId('track-count')).toHaveText(`${TRACKS.length} tracks`, { timeout: 30_000 });

  await sidebar().getByRole('button', { name: 'DJ collection' }).click();
  await expect(page.getByRole('heading', { name: 'DJ collection' })).toBeVisible();
  await expect(page.getByTestId('dj-count')).toHaveText(`${TRACKS.length} tracks`);
  await expect(rowOf('Night Shift')).toContainText('126');
  await expect(rowOf('Night Shift')).toContainText('8A');
  await expect(rowOf('Warm Up')).toContainText('3B');

  // Sorting by BPM happens in the main process.
  await djGrid().getByRole('button', { name: 'BPM' }).click();
  await expect(djGrid().getByRole('columnheader', { name: /BPM/ })).toHaveAttribute('aria-sort', 'ascending');
  expect(await titles(djGrid())).toEqual([
    'Slow Burn',
    'Warm Up',
    'Deep Current',
    'Night Shift',
    'Peak Hour',
  ]);

  await sidebar().getByRole('button', { name: 'Settings' }).click();
  await page.getByLabel('Musical key notation').selectOption('musical');
  await sidebar().getByRole('button', { name: 'DJ collection' }).click();
  await expect(rowOf('Deep Current')).toContainText('Am');
  await expect(rowOf('Warm Up')).toContainText('Db');
  await sidebar().getByRole('button', { name: 'Settings' }).click();
  await page.getByLabel('Musical key notation').selectOption('camelot');
  await sidebar().getByRole('button', { name: 'DJ collection' }).click();
  await expect(rowOf('Deep Current')).toContainText('8A');
});

test('the query box filters by BPM and key and shows a syntax error where it is', async () => {
  await query().fill('bpm:120-128 key:8A');
  await expect(page.getByTestId('dj-count')).toHaveText('2 tracks');
  expect((await titles(djGrid())).sort()).toEqual(['Deep Current', 'Night Shift']);

  await query().fill('bpm:120-128 AND (key:8A OR');
  const error = page.getByTestId('dj-query-error');
  await expect(error).toBeVisible();
  await expect(error).toContainText('Syntax error at character');
  await expect(query()).toHaveAttribute('aria-invalid', 'true');
  const position = Number(await error.getAttribute('data-position'));
  expect(position).toBeGreaterThanOrEqual('bpm:120-128 AND ('.length);
  // The last valid result stays on screen while the query is broken.
  await expect(page.getByTestId('dj-count')).toHaveText('2 tracks');

  await query().fill('bpm:>=124 NOT genre:dub');
  await expect(error).toHaveCount(0);
  await expect(page.getByTestId('dj-count')).toHaveText('3 tracks');
});

test('a crate is built by drag and drop and from the context menu; a duplicate is reported, not added', async () => {
  await sidebar().getByRole('button', { name: 'New crate or folder…' }).click();
  await page.getByRole('form', { name: 'New crate or folder…' }).getByLabel('Name').fill('Friday Set');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Friday Set' })).toBeVisible();
  const crate = sidebar().getByRole('button', { name: /Friday Set/ });
  await expect(crate).toContainText('0 tracks');

  await sidebar().getByRole('button', { name: 'DJ collection' }).click();
  await query().fill('bpm:120-128 key:8A');
  await expect(page.getByTestId('dj-count')).toHaveText('2 tracks');
  await rowOf('Deep Current').click();
  await rowOf('Night Shift').click({ modifiers: ['Shift'] });
  await rowOf('Night Shift').dragTo(crate);
  await expect(page.getByTestId('dj-notice')).toContainText('Added 2 tracks to “Friday Set”.');
  await expect(crate).toContainText('2 tracks');

  await query().fill('key:9A');
  await expect(page.getByTestId('dj-count')).toHaveText('1 track');
  await rowOf('Peak Hour').click({ button: 'right' });
  await page.getByRole('menu').getByRole('menuitem', { name: 'Add to “Friday Set”' }).click();
  await expect(page.getByTestId('dj-notice')).toContainText('Added 1 track to “Friday Set”.');
  await rowOf('Peak Hour').click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Add to “Friday Set”' }).click();
  await expect(page.getByTestId('dj-notice')).toContainText('1 track was already in it (not added twice).');
  await expect(crate).toContainText('3 tracks');

  // Compatible keys for the track playing: a click filters by them.
  await query().fill('');
  await rowOf('Deep Current').dblclick();
  const compatible = page.getByTestId('compatible-keys');
  await expect(compatible).toContainText('Mixes with “Deep Current” (8A)');
  await compatible.getByRole('button', { name: 'All compatible' }).click();
  await expect(query()).toHaveValue('(key:8A OR key:7A OR key:9A OR key:8B)');
  await expect(page.getByTestId('dj-count')).toHaveText('3 tracks');
  await expectNoSeriousA11yViolations('DJ collection');
  await docScreenshot(page, 'dj.png');
});

test('the crate is reordered by dragging a row', async () => {
  await sidebar()
    .getByRole('button', { name: /Friday Set/ })
    .click();
  const items = page.getByRole('grid', { name: 'Tracks in Friday Set' });
  await expect(items.getByRole('row')).toHaveCount(4);
  expect(await titles(items)).toEqual(['Deep Current', 'Night Shift', 'Peak Hour']);
  const row = (title: string) => items.getByRole('row').filter({ hasText: title });
  await row('Peak Hour').dragTo(row('Deep Current'));
  await expect.poll(() => titles(items)).toEqual(['Peak Hour', 'Deep Current', 'Night Shift']);
  // And from the keyboard-reachable buttons.
  await row('Night Shift').click();
  await page.getByRole('button', { name: 'Move up' }).click();
  await expect.poll(() => titles(items)).toEqual(['Peak Hour', 'Night Shift', 'Deep Current']);
  await expectNoSeriousA11yViolations('crate');
});

test('the crate exports to a folder with progress: audio files, an M3U8 and a Rekordbox XML on disk', async () => {
  await page.getByRole('button', { name: 'Export…' }).click();
  const dialog = page.getByTestId('export-dialog');
  await dialog.getByLabel('Destination folder (a folder or a USB drive)').fill(exportTo);
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();
  await expect(dialog.getByTestId('export-status')).toHaveAttribute('data-state', 'done', {
    timeout: 30_000,
  });
  await expect(dialog.getByRole('progressbar', { name: 'Export progress' })).toHaveAttribute('value', '100');
  await expect(dialog).toContainText('3 of 3 files');
  await expectNoSeriousA11yViolations('export dialog');

  const folder = join(exportTo, 'Friday Set');
  expect(existsSync(folder)).toBe(true);
  const music = readdirSync(join(folder, 'Music')).sort();
  expect(music).toEqual([
    'Lena Kraft - Night Shift.mp3',
    'Lena Kraft - Peak Hour.mp3',
    'Mattias W - Deep Current.mp3',
  ]);
  const m3u = readFileSync(join(folder, 'Friday Set.m3u8'), 'utf8');
  const entries = m3u.split(/\r?\n/).filter((l) => l && !l.startsWith('#'));
  expect(entries).toEqual([
    'Music/Lena Kraft - Peak Hour.mp3',
    'Music/Lena Kraft - Night Shift.mp3',
    'Music/Mattias W - Deep Current.mp3',
  ]);
  const xml = readFileSync(join(folder, 'rekordbox.xml'), 'utf8');
  expect(xml).toContain('<DJ_PLAYLISTS');
  expect(xml).toMatch(/Name="Peak Hour"[^>]*AverageBpm="128/);
  expect(xml).toMatch(/Name="Deep Current"[^>]*Tonality="Am"/);
  expect(xml).toContain('Name="Friday Set"');
  await dialog.getByRole('button', { name: 'Close' }).click();
  expect(errors).toEqual([]);
});
