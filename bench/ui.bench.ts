import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { LIBRARY_100K, library100kDatabase } from '../tests/e2e/support/library-100k';
import { CHROMIUM_PATH, openApp } from '../tests/e2e/support/web-app';

/**
 * `npm run bench -- ui`. The track table with 100,000 rows in Chromium through the
 * web host (the built renderer, `npm run build` first), driven as the scale e2e
 * drives it: open, End, wheel through the middle, sort by title, type a search.
 * Reported: the longest task on the page's main thread while doing so (the
 * browser's `longtask` entries, 50 ms and over) and their sum. Target: no task
 * of 400 ms or more; a table that sorted or rendered 100,000 rows in the page would
 * take seconds. The e2e checks what a user sees; this is where the time is.
 */
function report(
  metric: string,
  value: number | null,
  unit: string,
  target: string,
  extra: Record<string, unknown> = {},
): void {
  const rounded = value === null ? null : Math.round(value * 100) / 100;
  process.stdout.write(
    `${JSON.stringify({ bench: 'ui', metric, value: rounded, unit, target, ...extra })}\n`,
  );
}

const RENDERER = join(import.meta.dirname, '..', 'out', 'renderer', 'index.html');
const TRACKS = LIBRARY_100K.tracks;

/*
 * Page-side code: this file is type-checked for Node, without the DOM, so the page's
 * globals are reached through `globalThis` (the page's CSP allows no string eval).
 */
type PageCheck = (arg: string) => boolean;
const until = (page: Page, check: PageCheck, arg = '') =>
  page.waitForFunction(check, arg, { polling: 'raf', timeout: 120_000 });
/** The first cell of the row `selector` picks is in the page and filled in (not `…`). */
const rowLoaded: PageCheck = (selector) => {
  const cell = (globalThis as any).document.querySelector(`[role="grid"] ${selector} [role="gridcell"]`);
  return cell !== null && cell.textContent !== '…';
};
const rowAt = (index: number) => `[role="row"][aria-rowindex="${index + 2}"]`;
const shows: PageCheck = (selector) => (globalThis as any).document.querySelector(selector) !== null;
const countSays: PageCheck = (text) =>
  ((globalThis as any).document.querySelector('[data-testid="track-count"]')?.textContent ?? '').includes(
    text,
  );

async function drive(page: Page, grid: Locator): Promise<void> {
  await grid.focus();
  await page.keyboard.press('End');
  await until(page, rowLoaded, rowAt(TRACKS - 1));
  await page.keyboard.press('Home');
  const box = (await grid.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let i = 0; i < 30; i++) await page.mouse.wheel(0, 4000);
  await until(page, rowLoaded, '[role="row"]:nth-child(6)');
  await grid.getByRole('button', { name: 'Title' }).click();
  await until(page, shows, '[role="columnheader"][aria-sort="ascending"]');
  await page.getByRole('searchbox', { name: 'Search the library' }).pressSequentially('moon', { delay: 30 });
  await until(page, countSays, 'match “moon”');
  await until(page, rowLoaded, rowAt(0));
}

/** Starts collecting the durations of the page's long tasks in `longTasks`. */
function observe(): void {
  const page = globalThis as any;
  page.longTasks = [];
  new page.PerformanceObserver((list: any) => {
    for (const entry of list.getEntries()) page.longTasks.push(entry.duration);
  }).observe({ type: 'longtask', buffered: false });
}
const longTasks = (): number[] => [...(globalThis as any).longTasks];
/** Blocks the page's main thread for 150 ms: the observer must see it, or the figure would be a silent 0. */
const probe = () =>
  new Promise<void>((done) =>
    setTimeout(() => {
      const end = performance.now() + 150;
      while (performance.now() < end);
      setTimeout(done, 100);
    }, 0),
  );

async function main(): Promise<void> {
  if (!existsSync(RENDERER) || !existsSync(CHROMIUM_PATH)) {
    const why = existsSync(RENDERER)
      ? `no Chromium at ${CHROMIUM_PATH}`
      : 'the renderer is not built (npm run build)';
    report('longest_long_task_100k', null, 'ms', '< 400', { skipped: why });
    return;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'resonate-bench-ui-'));
  mkdirSync(LIBRARY_100K.folder, { recursive: true });
  copyFileSync(library100kDatabase(), join(dataDir, 'library.sqlite'));
  writeFileSync(
    join(dataDir, 'settings.json'),
    JSON.stringify({ __version: 2, libraryFolders: [LIBRARY_100K.folder] }),
  );
  const app = await openApp({ dataDir });
  try {
    const { page } = app;
    const grid = page.getByRole('grid', { name: 'Tracks' });
    await page
      .getByTestId('track-count')
      .filter({ hasText: `${TRACKS} tracks` })
      .waitFor({ timeout: 120_000 });
    await page.evaluate(observe);
    await drive(page, grid);
    const tasks = await page.evaluate(longTasks);
    await page.evaluate(probe);
    const probed = await page.evaluate(longTasks);
    if (probed.length <= tasks.length)
      throw new Error('the long-task observer did not see a 150 ms task: no figure');
    report('longest_long_task_100k', Math.max(0, ...tasks), 'ms', '< 400');
    report(
      'long_task_total_100k',
      tasks.reduce((a, b) => a + b, 0),
      'ms',
      'reported',
      { tasks: tasks.length },
    );
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
