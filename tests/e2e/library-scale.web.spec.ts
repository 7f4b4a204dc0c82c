import { expect, test, type Locator, type Page } from '@playwright/test';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, type OpenApp } from './support/web-app';
import { LIBRARY_100K, library100kDatabase } from './support/library-100k';

/**
 * The track table with 100,000 rows: rows are inserted straight into the
 * library database (the scan is not what is tested here; Playwright's global
 * setup builds and caches the database), and the table must open, jump to the
 * end, answer the keyboard, sort and search while only the rows on screen are
 * in the page. What is checked is what a user sees, never how long it took:
 * the long-task figure lives in `npm run bench` (bench/ui.bench.ts).
 */
const TRACKS = LIBRARY_100K.tracks;
/** The window is 800 px tall: about 25 rows fit, plus the virtualizer's overscan. */
const MAX_ROWS_IN_PAGE = 80;

let app: OpenApp;
let page: Page;

test.beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'resonate-e2e-100k-'));
  mkdirSync(LIBRARY_100K.folder, { recursive: true });
  copyFileSync(library100kDatabase(), join(dataDir, 'library.sqlite'));
  writeFileSync(
    join(dataDir, 'settings.json'),
    JSON.stringify({ __version: 2, libraryFolders: [LIBRARY_100K.folder] }),
  );
  app = await openApp({ dataDir });
  ({ page } = app);
});
test.afterAll(async () => {
  await app?.close();
});

const row = (grid: Locator, index: number) => grid.locator(`[role="row"][aria-rowindex="${index + 2}"]`);
const titleOf = (grid: Locator, index: number) => row(grid, index).getByRole('gridcell').first();

/** Only the rows on screen are in the DOM, however many the table holds. */
async function expectBoundedRows(grid: Locator): Promise<void> {
  expect(await grid.getByRole('row').count()).toBeLessThan(MAX_ROWS_IN_PAGE);
}

/** The row's cells have come in (a row not loaded yet shows `…`). */
async function loadedTitle(grid: Locator, index: number): Promise<string> {
  await expect(titleOf(grid, index)).not.toHaveText('…');
  return (await titleOf(grid, index).textContent()) ?? '';
}

test('100,000 tracks: the table opens, answers the keyboard, jumps to the end, sorts and searches, with only the rows on screen in the page', async () => {
  await expect(page.getByTestId('track-count')).toHaveText(`${TRACKS} tracks`, { timeout: 60_000 });
  const grid = page.getByRole('grid', { name: 'Tracks' });
  await expect(grid).toHaveAttribute('aria-rowcount', String(TRACKS + 1));
  await loadedTitle(grid, 0);
  await expectBoundedRows(grid);

  // The keyboard moves the selection row by row (focusing the grid makes its first row the active one).
  await grid.focus();
  await page.keyboard.press('ArrowDown');
  const selected = grid.locator('[role="row"][aria-selected="true"]');
  await expect(selected).toHaveCount(1);
  const first = Number(await selected.getAttribute('aria-rowindex')) - 2;
  expect(first).toBeLessThanOrEqual(1);
  await page.keyboard.press('ArrowDown');
  await expect(row(grid, first + 1)).toHaveAttribute('aria-selected', 'true');
  await expect(row(grid, first)).toHaveAttribute('aria-selected', 'false');
  await expect(selected).toHaveCount(1);

  // End jumps to the last of the 100,000 rows, selected and filled in.
  await page.keyboard.press('End');
  await expect(row(grid, TRACKS - 1)).toBeVisible();
  await expect(row(grid, TRACKS - 1)).toHaveAttribute('aria-selected', 'true');
  await loadedTitle(grid, TRACKS - 1);
  await expectBoundedRows(grid);

  // Wheel through the middle of the list: the rows shown are filled in.
  await page.keyboard.press('Home');
  await expect(row(grid, 0)).toHaveAttribute('aria-selected', 'true');
  const box = (await grid.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let i = 0; i < 30; i++) await page.mouse.wheel(0, 4000);
  await expect(grid.getByRole('row').nth(5).getByRole('gridcell').first()).not.toHaveText('…');
  await expectBoundedRows(grid);

  // Sorting by title puts another track first, and again the other way round.
  await grid.focus();
  await page.keyboard.press('Home');
  const unsortedFirst = await loadedTitle(grid, 0);
  await grid.getByRole('button', { name: 'Title' }).click();
  await expect(grid.getByRole('columnheader', { name: /Title/ })).toHaveAttribute('aria-sort', 'ascending');
  await expect(titleOf(grid, 0)).not.toHaveText(unsortedFirst);
  const ascendingFirst = await loadedTitle(grid, 0);
  await grid.getByRole('button', { name: /Title/ }).click();
  await expect(grid.getByRole('columnheader', { name: /Title/ })).toHaveAttribute('aria-sort', 'descending');
  await expect(titleOf(grid, 0)).not.toHaveText(ascendingFirst);
  await loadedTitle(grid, 0);

  // Typing a search narrows the rows to the matching tracks.
  const search = page.getByRole('searchbox', { name: 'Search the library' });
  await search.pressSequentially('moon', { delay: 30 });
  // Each key typed is a new search (a new table, and the count keeps the last answer while the next loads):
  // wait until the count names “moon”, the table holds as many rows, and they are fewer than all.
  const narrowedTo = async () => {
    const rows = Number(await grid.getAttribute('aria-rowcount')) - 1;
    const said = await page.getByTestId('track-count').textContent();
    return said === `${rows} tracks match “moon”` && rows < TRACKS ? rows : 0;
  };
  await expect.poll(narrowedTo).toBeGreaterThan(0);
  await loadedTitle(grid, 0);
  await expect(row(grid, 0)).toContainText(/moon/i);
  await expectBoundedRows(grid);
  expect(app.errors).toEqual([]);
});
