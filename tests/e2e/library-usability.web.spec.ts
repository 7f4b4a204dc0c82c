import { expect, test, type Page } from '@playwright/test';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { makeAudioFixtures, type AudioFixtures } from './support/audio-fixtures';
import { openApp, type OpenApp } from './support/web-app';

/**
 * What a user of other players expects of the library's lists (issue 15
 * item 8), in real Chromium through the web host: a right-click menu on
 * rows with Properties (two copies of a song told apart by their file), a
 * column chooser with a File column, Ctrl+A, sorting from anywhere in the
 * header cell, the N / P / M keys and the shortcut list, tooltips on the
 * player's icon buttons.
 */
test.describe.configure({ mode: 'serial' });

let app: OpenApp;
let page: Page;
let music: AudioFixtures;
const copy = join('Copies', '01 First Light.mp3');

test.beforeAll(async () => {
  music = makeAudioFixtures();
  mkdirSync(join(music.root, 'Copies'));
  copyFileSync(join(music.root, music.tracks[0]!.file), join(music.root, copy));
  app = await openApp();
  ({ page } = app);
  await page.getByLabel('Music folder path').fill(music.root);
  await page.getByRole('button', { name: 'Add folder' }).click();
  await expect(page.getByTestId('track-count')).toHaveText(`${music.tracks.length + 1} tracks`, {
    timeout: 30_000,
  });
});
test.afterAll(async () => {
  await app?.close();
});

const grid = () => page.getByRole('grid', { name: 'Tracks' });
const rowsOf = (title: string) => grid().getByRole('row').filter({ hasText: title });

test('two copies of a song are told apart by Properties, from the right-click menu', async () => {
  await expect(rowsOf('First Light')).toHaveCount(2);
  const paths: string[] = [];
  for (const index of [0, 1]) {
    await rowsOf('First Light').nth(index).click({ button: 'right' });
    const menu = page.getByRole('menu', { name: 'Actions for the selected tracks' });
    await expect(menu.getByRole('menuitem')).toHaveText([
      'Play selected',
      'Play next',
      'Add to queue',
      'Properties…',
    ]);
    await menu.getByRole('menuitem', { name: 'Properties…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Properties of “First Light”' });
    await expect(dialog).toContainText('Aurora Lane');
    paths.push(await dialog.getByTestId('properties-path').innerText());
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(dialog).toHaveCount(0);
  }
  expect(paths.sort()).toEqual([join(music.root, music.tracks[0]!.file), join(music.root, copy)].sort());
});

test('the column chooser shows the File column, and it stays shown', async () => {
  await expect(grid().getByRole('columnheader', { name: 'File' })).toHaveCount(0);
  await grid().getByRole('columnheader', { name: 'Album' }).click({ button: 'right' });
  const chooser = page.getByRole('menu', { name: 'Columns' });
  const file = chooser.getByRole('menuitemcheckbox', { name: 'File' });
  await expect(file).toHaveAttribute('aria-checked', 'false');
  await file.click();
  await expect(file).toHaveAttribute('aria-checked', 'true');
  await page.keyboard.press('Escape');
  await expect(chooser).toHaveCount(0);
  await expect(grid().getByRole('columnheader', { name: 'File' })).toBeVisible();
  await expect(rowsOf('First Light').filter({ hasText: copy })).toHaveCount(1);
  await page.reload();
  await expect(grid().getByRole('columnheader', { name: 'File' })).toBeVisible();
});

test('Ctrl+A selects every row; the whole header cell sorts', async () => {
  await rowsOf('Tidal Glass').click();
  await page.keyboard.press('Control+a');
  await expect(page.getByRole('toolbar', { name: `${music.tracks.length + 1} selected` })).toBeVisible();

  const album = grid().getByRole('columnheader', { name: /^Album/ });
  await expect(album).not.toHaveAttribute('aria-sort', /.+/);
  // Far from the label, near the cell's right edge (the resize handle is the last 6 px).
  const box = (await album.boundingBox())!;
  await page.mouse.click(box.x + box.width - 10, box.y + box.height / 2);
  await expect(album).toHaveAttribute('aria-sort', 'ascending');
});

test('N, P and M work from anywhere; ? lists the keys; icon buttons have tooltips', async () => {
  await rowsOf('Second Wind').dblclick();
  await expect(page.getByTestId('np-title')).toHaveText('Second Wind');
  await page.locator('body').press('n');
  await expect(page.getByTestId('np-title')).not.toHaveText('Second Wind');
  const after = await page.getByTestId('np-title').innerText();
  await page.locator('body').press('p');
  await expect(page.getByTestId('np-title')).not.toHaveText(after);
  const mute = page.getByRole('button', { name: 'Mute' });
  await page.locator('body').press('m');
  await expect(page.getByRole('button', { name: 'Unmute' })).toHaveAttribute('aria-pressed', 'true');
  await page.locator('body').press('m');
  await expect(mute).toHaveAttribute('aria-pressed', 'false');
  await page.getByTestId('play-pause').click();

  await page.locator('body').press('?');
  const list = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(list).toContainText('Next track');
  await expect(list).toContainText('Mute or unmute');
  await page.keyboard.press('Escape');
  await expect(list).toHaveCount(0);

  const player = page.getByTestId('now-playing');
  for (const name of ['Next track', 'Previous track', 'Queue', 'Mute']) {
    await expect(player.getByRole('button', { name, exact: true })).toHaveAttribute('title', name);
  }
});

test('the sidebar tree shows whether a folder is open, and keeps it closed', async () => {
  const sidebar = page.getByRole('navigation', { name: 'Main' });
  const create = async (kind: string, name: string, folder?: string) => {
    await sidebar.getByRole('button', { name: 'New crate or folder…' }).click();
    const form = page.getByRole('form', { name: 'New crate or folder…' });
    await form.getByLabel('Kind').selectOption({ label: kind });
    await form.getByLabel('Name').fill(name);
    if (folder) await form.getByLabel('In folder').selectOption({ label: folder });
    await form.getByRole('button', { name: 'Create' }).click();
  };
  await create('Folder', 'Sets');
  await create('Crate', 'Warmup', 'Sets');
  const tree = page.getByTestId('crate-tree');
  const toggle = tree.getByRole('button', { name: 'Close the folder Sets' });
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  await expect(tree.getByRole('button', { name: /Warmup/ })).toBeVisible();
  await toggle.click();
  const closed = tree.getByRole('button', { name: 'Open the folder Sets' });
  await expect(closed).toHaveAttribute('aria-expanded', 'false');
  await expect(tree.getByRole('button', { name: /Warmup/ })).toHaveCount(0);
  await expect(tree.getByRole('button', { name: /Sets/ }).filter({ hasText: '1 inside' })).toBeVisible();
  await page.reload();
  await expect(
    page.getByTestId('crate-tree').getByRole('button', { name: 'Open the folder Sets' }),
  ).toHaveAttribute('aria-expanded', 'false');
  // A long tree scrolls within the sidebar.
  expect(await page.getByTestId('crate-tree').evaluate((el) => getComputedStyle(el).overflowY)).toBe('auto');
});
