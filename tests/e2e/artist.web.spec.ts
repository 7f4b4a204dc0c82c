import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seriousA11yViolations } from './support/a11y';
import { docScreenshot } from './support/screenshots';
import { openApp, type OpenApp } from './support/web-app';

/**
 * The artist's release preview end to end, in real Chromium through the web
 * host: a release folder made with ffmpeg (one track clipping, one under
 * 45 s, one quiet, a small cover) is opened by path, shown as the catalog
 * will show it, checked against a loudness target the artist changes, and
 * previewed for free straight from its media URL (no player session).
 */
test.describe.configure({ mode: 'serial' });

let app: OpenApp;
let page: Page;
let errors: string[];
let release: string;

const ffmpeg = (args: string[]) =>
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
/** A stereo 997 Hz sine at a peak level; `overdrive` > 1 clips it at full scale. */
const sine = (levelDbfs: number, seconds: number, overdrive = 1) => {
  const a = 10 ** (levelDbfs / 20) * overdrive;
  const expr = `clip(${a.toFixed(6)}*sin(2*PI*997*t)\\,-1\\,1)`;
  return ['-f', 'lavfi', '-i', `aevalsrc=${expr}|${expr}:s=44100:d=${seconds}`];
};
const tags = (title: string, track: number) => [
  '-metadata',
  `title=${title}`,
  '-metadata',
  'artist=Juniper Coast',
  '-metadata',
  'album_artist=Juniper Coast',
  '-metadata',
  'album=Salt Lines',
  '-metadata',
  `track=${track}/3`,
  '-metadata',
  'date=2025',
];

function makeRelease(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'resonate-release-')), 'Salt Lines');
  mkdirSync(dir);
  ffmpeg([...sine(-1, 46, 2), ...tags('Breakwater', 1), '-c:a', 'flac', join(dir, '01 Breakwater.flac')]);
  ffmpeg([...sine(-14, 30), ...tags('Interlude', 2), '-c:a', 'flac', join(dir, '02 Interlude.flac')]);
  ffmpeg([...sine(-35, 46), ...tags('Low Tide', 3), '-c:a', 'flac', join(dir, '03 Low Tide.flac')]);
  ffmpeg([
    '-f',
    'lavfi',
    '-i',
    'gradients=s=300x300:c0=0x0e7490:c1=0xf59e0b:d=1',
    '-frames:v',
    '1',
    join(dir, 'cover.jpg'),
  ]);
  return dir;
}

test.beforeAll(async () => {
  release = makeRelease();
  app = await openApp({ height: 900 });
  ({ page, errors } = app);
});
test.afterAll(async () => {
  await app?.close();
});

const problems = () => page.getByTestId('release-problems');
const trackRow = (title: string) =>
  page.getByTestId('release-tracks').getByRole('row').filter({ hasText: title });

test('opening a release folder shows it as the catalog will: artwork, order, titles, durations', async () => {
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('button', { name: 'Release preview' })
    .click();
  await expect(page.getByRole('heading', { name: 'Release preview', level: 1 })).toBeVisible();
  await page.getByLabel('Release folder path').fill(release);
  await page.getByRole('button', { name: 'Open release' }).click();

  const card = page.getByTestId('release-card');
  await expect(card.getByRole('heading', { name: 'Salt Lines' })).toBeVisible();
  await expect(card).toContainText('Juniper Coast');
  await expect(card).toContainText('2025 · 3 tracks · 2:02');
  await expect(card.getByRole('img', { name: 'Artwork of Salt Lines' })).toBeVisible();
  const rows = page.getByTestId('release-tracks').getByRole('row');
  await expect(rows).toHaveCount(4);
  await expect(rows.nth(1)).toContainText('Breakwater');
  await expect(rows.nth(1)).toContainText('0:46');
  await expect(rows.nth(2)).toContainText('Interlude');
  await expect(rows.nth(2)).toContainText('0:30');
  await expect(rows.nth(2)).toContainText('Under 45 s: always free');
  await expect(rows.nth(3)).toContainText('Low Tide');
});

test('the checks name clipping, the short track, the quiet track and the small artwork, each with how to fix it', async () => {
  await expect(page.getByTestId('check-counts')).not.toContainText('Still measuring', { timeout: 60_000 });
  for (const code of ['clipping', 'short_track', 'loudness_too_quiet', 'small_artwork']) {
    await expect(problems().locator(`[data-code="${code}"]`).first()).toBeVisible();
  }
  await expect(problems().locator('[data-code="clipping"]').first()).toContainText('Breakwater');
  await expect(problems().locator('[data-code="loudness_too_quiet"]').first()).toContainText('Low Tide');
  await expect(problems().locator('[data-code="clipping"]').first()).toContainText('How to fix:');
  await expect(trackRow('Breakwater')).toContainText('Clips');

  // Loudness per track against a target the artist changes.
  const lowTide = trackRow('Low Tide').getByTestId('lufs');
  const lufs = Number(/(-?[\d.]+) LUFS/.exec(await lowTide.innerText())![1]);
  expect(lufs).toBeLessThan(-30);
  await expect(lowTide).toContainText(`(${(lufs + 14).toFixed(1)} LU)`);
  await page.getByTestId('target-lufs').fill('-35');
  await expect(lowTide).toContainText(`(${(lufs + 35 > 0 ? '+' : '') + (lufs + 35).toFixed(1)} LU)`);
  await expect(problems().locator('[data-code="loudness_too_quiet"]')).toHaveCount(0);
  await page.getByTestId('target-lufs').fill('-14');
  await expect(problems().locator('[data-code="loudness_too_quiet"]').first()).toBeVisible();
});

test('a free preview plays from the media URL without a player session', async () => {
  await trackRow('Interlude').getByRole('button', { name: 'Play a free preview of Interlude' }).click();
  const audio = page.getByTestId('preview-audio');
  await expect(audio).toHaveAttribute('src', /draft\//);
  await expect
    .poll(() => audio.evaluate((a: HTMLAudioElement) => a.currentTime), { timeout: 15_000 })
    .toBeGreaterThan(0.5);
  // The main player (which opens stream-to-own sessions) stays idle.
  await expect(page.getByTestId('np-title')).toHaveText('Nothing playing');
  await expect(
    trackRow('Interlude').getByRole('button', { name: 'Stop the preview of Interlude' }),
  ).toHaveAttribute('aria-pressed', 'true');

  expect(await seriousA11yViolations(page)).toEqual([]);
  await docScreenshot(page, 'release-preview.png');

  await page.getByRole('button', { name: 'Stop preview' }).click();
  await expect(audio).toHaveCount(0);
  expect(errors).toEqual([]);
});

test("Space in the preview player is the preview's: the paused main player stays paused", async () => {
  const nav = (name: string) =>
    page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('button', { name: new RegExp(`^${name}(\\s*,\\s*\\d+)?$`) });
  // Something in the main player, paused: the release's own files as a library folder.
  await nav('Library').click();
  await page.getByLabel('Music folder path').fill(release);
  await page.getByRole('button', { name: 'Add folder' }).click();
  await page
    .getByRole('grid', { name: 'Tracks' })
    .getByRole('row')
    .filter({ hasText: 'Interlude' })
    .dblclick();
  await expect(page.getByTestId('np-title')).toHaveText('Interlude');
  const mainButton = page.getByTestId('play-pause');
  await mainButton.click();
  await expect(mainButton).toHaveAccessibleName('Play');

  await nav('Release preview').click();
  await trackRow('Low Tide').getByRole('button', { name: 'Play a free preview of Low Tide' }).click();
  const audio = page.getByTestId('preview-audio');
  await expect
    .poll(() => audio.evaluate((a: HTMLAudioElement) => a.currentTime), { timeout: 15_000 })
    .toBeGreaterThan(0.5);
  await audio.focus();
  await page.keyboard.press(' ');
  await expect.poll(() => audio.evaluate((a: HTMLAudioElement) => a.paused)).toBe(true);
  await expect(mainButton).toHaveAccessibleName('Play');
  expect(
    await page.evaluate(() => [...document.querySelectorAll('audio')].filter((a) => !a.paused).length),
  ).toBe(0);
});
