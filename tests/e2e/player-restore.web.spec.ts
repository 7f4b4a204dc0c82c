import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { makeAudioFixtures, type AudioFixtures } from './support/audio-fixtures';
import { openApp, type OpenApp } from './support/web-app';

/**
 * The player across a restart, in Chromium through the web host: reloading
 * the page brings back the queue, the current track and its position,
 * paused; and with a 2 s crossfade the next track starts before the one
 * playing has ended.
 */
test.describe.configure({ mode: 'serial' });

let app: OpenApp;
let page: Page;
let music: AudioFixtures;

test.beforeAll(async () => {
  music = makeAudioFixtures();
  app = await openApp();
  page = app.page;
  // Every audio element the player makes, and when each started playing and ended (they live outside the DOM).
  await page.addInitScript(() => {
    const w = window as unknown as {
      Audio: typeof Audio;
      __media: { el: number; type: string; at: number }[];
    };
    const Original = w.Audio;
    let n = 0;
    w.__media = [];
    w.Audio = function (this: unknown, src?: string) {
      const el = new Original(src);
      const id = ++n;
      for (const type of ['playing', 'ended'])
        el.addEventListener(type, () => w.__media.push({ el: id, type, at: performance.now() }));
      return el;
    } as unknown as typeof Audio;
  });
});
test.afterAll(async () => {
  await app?.close();
});

const nav = (name: string) =>
  page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('button', { name: new RegExp(`^${name}(\\s*,\\s*\\d+)?$`) });
const rowOf = (title: string) =>
  page.getByRole('grid', { name: 'Tracks' }).getByRole('row').filter({ hasText: title });
const elapsedSeconds = async () => {
  const [m, s] = (await page.getByTestId('elapsed').innerText()).split(':').map(Number);
  return m! * 60 + s!;
};
const savedSession = () => {
  const file = join(app.host.dataDir, 'player-session.json');
  return existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as {
        queue: { title: string }[];
        index: number;
        positionMs: number;
      })
    : null;
};

test('reloading the page brings back the queue, the current track and its position, paused', async () => {
  await page.getByLabel('Music folder path').fill(music.root);
  await page.getByRole('button', { name: 'Add folder' }).click();
  await expect(page.getByTestId('track-count')).toHaveText(`${music.tracks.length} tracks`, {
    timeout: 30_000,
  });

  await rowOf('Long Horizon').dblclick();
  await expect(page.getByTestId('play-pause')).toHaveAccessibleName('Pause');
  await expect.poll(elapsedSeconds, { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
  await page.getByTestId('play-pause').click();
  await expect(page.getByTestId('play-pause')).toHaveAccessibleName('Play');
  const pausedAt = await elapsedSeconds();
  // The main process has the paused position (saved on pause).
  await expect
    .poll(() => Math.floor((savedSession()?.positionMs ?? 0) / 1000), { timeout: 10_000 })
    .toBe(pausedAt);
  const saved = savedSession()!;
  expect(saved.queue).toHaveLength(music.tracks.length);
  expect(saved.queue[saved.index]!.title).toBe('Long Horizon');

  await page.reload();
  await expect(page.getByTestId('np-title')).toHaveText('Long Horizon');
  await expect(page.getByTestId('elapsed')).toHaveText(`0:${String(pausedAt).padStart(2, '0')}`);
  await expect(page.getByTestId('play-pause')).toHaveAccessibleName('Play');
  await page.getByTestId('queue-toggle').click();
  await expect(page.getByTestId('queue-panel').getByTestId('queue-item')).toHaveCount(music.tracks.length);
  await expect(page.getByTestId('queue-panel').locator('[aria-current="true"]')).toContainText(
    'Long Horizon',
  );
  await page.getByRole('button', { name: 'Close queue' }).click();
  // Never autoplay: nothing started on its own.
  expect(
    await page.evaluate(() =>
      (window as unknown as { __media: { type: string }[] }).__media.filter((m) => m.type === 'playing'),
    ),
  ).toEqual([]);

  // Play goes on from there, not from the start.
  await page.getByTestId('play-pause').click();
  await expect(page.getByTestId('play-pause')).toHaveAccessibleName('Pause');
  await expect.poll(elapsedSeconds, { timeout: 15_000 }).toBeGreaterThan(pausedAt);
  expect(await elapsedSeconds()).toBeGreaterThanOrEqual(pausedAt);
  await page.getByTestId('play-pause').click();
});

test('with a 2 s crossfade the next track starts before the one playing ends', async () => {
  await nav('Settings').click();
  await expect(page.getByTestId('setting-gapless')).toBeChecked();
  await page.getByTestId('setting-crossfade').selectOption('2');
  await expect(page.getByTestId('setting-crossfade')).toHaveValue('2');
  await nav('Library').click();
  await page.evaluate(() => ((window as unknown as { __media: unknown[] }).__media.length = 0));

  // Tidal Glass (6 s), then Long Horizon in the album's order.
  await rowOf('Tidal Glass').dblclick();
  await expect(page.getByTestId('np-title')).toHaveText('Tidal Glass');
  await expect(page.getByTestId('np-title')).toHaveText('Long Horizon', { timeout: 20_000 });
  const media = () =>
    page.evaluate(() =>
      (window as unknown as { __media: { el: number; type: string; at: number }[] }).__media.slice(),
    );
  // The first track's element plays on (fading out) until its own end.
  await expect
    .poll(async () => (await media()).filter((m) => m.type === 'ended').length, { timeout: 10_000 })
    .toBeGreaterThanOrEqual(1);
  const events = await media();
  const first = events.find((m) => m.type === 'playing')!;
  const firstEnded = events.find((m) => m.type === 'ended' && m.el === first.el)!;
  const nextStarted = events.find((m) => m.type === 'playing' && m.el !== first.el)!;
  expect(nextStarted, JSON.stringify(events)).toBeDefined();
  expect(nextStarted.at, JSON.stringify(events)).toBeLessThan(firstEnded.at);
  await expect(page.getByTestId('play-pause')).toHaveAccessibleName('Pause');
});
