import { expect, test, type Page } from '@playwright/test';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, openDatabase } from '../../src/main/services/db/database';
import { allMigrations } from '../../src/main/services/db/migrations';
import { openApp, type OpenApp } from './support/web-app';
import { fillSyntheticLibrary } from '../support/synthetic-library';

/**
 * The track table with 100,000 rows: rows are inserted straight into the
 * library database (the scan is not what is measured here), and the table
 * must open, jump to the end, sort and search without the page stalling.
 */
const TRACKS = 100_000;

let app: OpenApp;
let page: Page;

/** The folder the synthetic tracks say they are in; it exists (empty), so the library keeps them as they are. */
const FOLDER = join(tmpdir(), 'resonate-e2e-100k-music');

/**
 * Building 100,000 rows (with their search index) takes most of a minute on a
 * busy 2-core machine, so the database is kept in node_modules/.cache, keyed
 * by the migrations it was built with, and copied for each run.
 */
function cached100kDatabase(): string {
  const key = createHash('sha256').update(allMigrations.map((m) => m.id).join('\n')).digest('hex').slice(0, 16);
  const dir = join('node_modules', '.cache', 'resonate-e2e-100k');
  const file = join(dir, `library-${key}.sqlite`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    rmSync(temp, { force: true });
    build100k(temp);
    renameSync(temp, file);
  }
  return file;
}

function build100k(file: string): void {
  const db = openDatabase(file);
  migrate(db, allMigrations);
  fillSyntheticLibrary(db, { folder: FOLDER, tracks: TRACKS });
  db.pragma('journal_mode = DELETE'); // one self-contained file to copy
  db.close();
}

test.beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'resonate-e2e-100k-'));
  mkdirSync(FOLDER, { recursive: true });
  copyFileSync(cached100kDatabase(), join(dataDir, 'library.sqlite'));
  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ __version: 2, libraryFolders: [FOLDER] }));
  app = await openApp({ dataDir });
  ({ page } = app);
});
test.afterAll(async () => {
  await app?.close();
});

test('100,000 tracks: the table opens, jumps to the end, sorts and searches without stalling the page', async () => {
  await expect(page.getByTestId('track-count')).toHaveText(`${TRACKS} tracks`, { timeout: 30_000 });
  const grid = page.getByRole('grid', { name: 'Tracks' });
  await expect(grid).toHaveAttribute('aria-rowcount', String(TRACKS + 1));

  // Watch for long tasks on the UI thread from here on.
  await page.evaluate(() => {
    const w = window as unknown as { longest: number };
    w.longest = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.longest = Math.max(w.longest, entry.duration);
    }).observe({ type: 'longtask', buffered: false });
  });

  await grid.focus();
  await page.keyboard.press('End');
  await expect(grid.locator(`[aria-rowindex="${TRACKS + 1}"]`)).toBeVisible();
  await expect(grid.locator(`[aria-rowindex="${TRACKS + 1}"] [role="gridcell"]`).first()).not.toHaveText('…');
  // Only the rows on screen are in the DOM.
  expect(await grid.getByRole('row').count()).toBeLessThan(80);

  // Wheel through the middle of the list.
  await page.keyboard.press('Home');
  const box = (await grid.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let i = 0; i < 30; i++) await page.mouse.wheel(0, 4000);
  await expect(grid.getByRole('row').nth(5).getByRole('gridcell').first()).not.toHaveText('…');

  await grid.getByRole('button', { name: 'Title' }).click();
  await expect(grid.getByRole('columnheader', { name: /Title/ })).toHaveAttribute('aria-sort', 'ascending');

  const search = page.getByRole('searchbox', { name: 'Search the library' });
  await search.pressSequentially('moon', { delay: 30 });
  await expect(page.getByTestId('track-count')).toContainText('match “moon”');

  const longest = await page.evaluate(() => (window as unknown as { longest: number }).longest);
  // Generous for a shared 2-core machine; a table that sorted or rendered 100,000 rows here would take seconds.
  expect(longest).toBeLessThan(400);
});
