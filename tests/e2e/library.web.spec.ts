import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { seriousA11yViolations } from './support/a11y';
import { makeAudioFixtures, type AudioFixtures } from './support/audio-fixtures';
import { docScreenshot } from './support/screenshots';
import { openApp, type OpenApp } from './support/web-app';

/**
 * The local library end to end, in real Chromium through the web host: real
 * audio files made with ffmpeg, added through the UI, browsed, searched and
 * played. One page goes through the steps in order.
 */
test.describe.configure({ mode: 'serial' });

let app: OpenApp;
let page: Page;
let music: AudioFixtures;
let errors: string[];

test.beforeAll(async () => {
  music = makeAudioFixtures();
  app = await openApp();
  ({ page, errors } = app);
});
test.afterAll(async () => {
  await app?.close();
});

const nav = (name: string) =>
  page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('button', { name: new RegExp(`^${name}(\\s*,\\s*\\d+)?$`) });
const grid = () => page.getByRole('grid', { name: 'Tracks' });
const rowOf = (title: string) => grid().getByRole('row').filter({ hasText: title });
const elapsedSeconds = async () => {
  const [m, s] = (await page.getByTestId('elapsed').innerText()).split(':').map(Number);
  return m! * 60 + s!;
};

async function expectNoSeriousA11yViolations(view: string) {
  expect(await seriousA11yViolations(page), `axe on ${view}`).toEqual([]);
}

test('first run invites to add a folder; adding it through the path field lists the tracks with tags and durations', async () => {
  await expect(page.getByRole('heading', { name: 'Welcome to Resonate' })).toBeVisible();
  await page.getByLabel('Music folder path').fill(music.root);
  await page.getByRole('button', { name: 'Add folder' }).click();

  await expect(page.getByTestId('track-count')).toHaveText(`${music.tracks.length} tracks`, {
    timeout: 30_000,
  });
  for (const track of music.tracks) {
    const row = rowOf(track.title);
    await expect(row).toHaveCount(1);
    const seconds = String(track.seconds % 60).padStart(2, '0');
    await expect(row).toContainText(`${Math.floor(track.seconds / 60)}:${seconds}`);
    await expect(row).toContainText(track.artist);
    await expect(row).toContainText(track.album);
    await expect(row).toContainText(track.format);
  }
  // The corrupt files are not in the table.
  await expect(rowOf('Broken Record')).toHaveCount(0);
});

test('search narrows the list as you type, and Ctrl+F focuses it', async () => {
  await page.getByTestId('track-table').focus();
  await page.keyboard.press('Control+f');
  const search = page.getByRole('searchbox', { name: 'Search the library' });
  await expect(search).toBeFocused();
  await search.pressSequentially('cop', { delay: 40 });
  await expect(page.getByTestId('track-count')).toHaveText('2 tracks match “cop”');
  await expect(rowOf('Opal Morning')).toHaveCount(1);
  await expect(rowOf('First Light')).toHaveCount(0);
  await search.pressSequentially('per f', { delay: 40 });
  await expect(page.getByTestId('track-count')).toHaveText('2 tracks match “copper f”');
  await search.press('Backspace');
  await search.pressSequentially('xyz', { delay: 40 });
  await expect(page.getByText('No track matches “copper xyz”.')).toBeVisible();
  await search.fill('');
  await expect(page.getByTestId('track-count')).toHaveText(`${music.tracks.length} tracks`);
});

test('columns sort in the main process and resize from the keyboard', async () => {
  const firstTitle = () => grid().getByRole('row').nth(1).getByRole('gridcell').first();
  await grid().getByRole('button', { name: 'Title' }).click();
  await expect(grid().getByRole('columnheader', { name: /Title/ })).toHaveAttribute('aria-sort', 'ascending');
  await expect(firstTitle()).toHaveText('Brass Hour');
  await grid().getByRole('button', { name: 'Title' }).click();
  await expect(firstTitle()).toHaveText('Tidal Glass');
  await grid().getByRole('button', { name: 'Artist' }).click();
  await expect(firstTitle()).toHaveText('First Light');

  const handle = grid().getByRole('separator', { name: 'Resize the Album column' });
  const before = Number(await handle.getAttribute('aria-valuenow'));
  await handle.focus();
  await page.keyboard.press('ArrowRight');
  await expect(handle).toHaveAttribute('aria-valuenow', String(before + 16));
  await page.keyboard.press('ArrowLeft');
  await expect(handle).toHaveAttribute('aria-valuenow', String(before));
});

test('the corrupt files are listed under Problems with their reason', async () => {
  await nav('Problems').click();
  const problems = page.getByRole('table', { name: 'Files that could not be added' });
  for (const file of music.corrupt) await expect(problems).toContainText(file.split('/').pop()!);
  await nav('Library').click();
});

test('playing a track advances the elapsed time; next, previous and the queue work', async () => {
  await rowOf('Long Horizon').dblclick();
  await expect(page.getByTestId('np-title')).toHaveText('Long Horizon');
  await expect(page.getByTestId('duration')).toHaveText('1:00');
  await expect(page.getByTestId('play-pause')).toHaveAccessibleName('Pause');
  await expect.poll(elapsedSeconds, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);

  // Sorted by artist, then album and track: after Long Horizon comes Copper Field's first track.
  await page.getByRole('button', { name: 'Next track' }).click();
  await expect(page.getByTestId('np-title')).toHaveText('Opal Morning');
  await expect.poll(elapsedSeconds, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
  // Within the first seconds "previous" goes back a track (later it restarts the track).
  await page.getByRole('button', { name: 'Previous track' }).click();
  await expect(page.getByTestId('np-title')).toHaveText('Long Horizon');

  // Queue: "play next" puts a track right after the current one.
  await rowOf('Tidal Glass').click();
  await page.getByRole('toolbar').getByRole('button', { name: 'Play next' }).click();
  await page.getByTestId('queue-toggle').click();
  const queue = page.getByTestId('queue-panel');
  const items = queue.getByTestId('queue-item');
  const current = queue.locator('[aria-current="true"]');
  await expect(current).toContainText('Long Horizon');
  const titles = async () => (await items.allInnerTexts()).map((t) => t.split('\n')[0]);
  const list = await titles();
  expect(list[list.indexOf('Long Horizon') + 1]).toBe('Tidal Glass');

  // Reorder with the buttons (drag and drop does the same through the same action).
  const at = list.indexOf('Long Horizon');
  await items
    .nth(at + 1)
    .getByRole('button', { name: 'Move Tidal Glass down' })
    .click();
  const moved = await titles();
  expect(moved[at + 1]).toBe(list[at + 2]);
  expect(moved[at + 2]).toBe('Tidal Glass');

  // The player goes on to what the queue says is next, in its own time too.
  await page.getByRole('button', { name: 'Next track' }).click();
  await expect(page.getByTestId('np-title')).toHaveText(moved[moved.indexOf('Long Horizon') + 1]!);
  await expect.poll(elapsedSeconds, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);

  // Clear leaves only the playing track.
  await queue.getByRole('button', { name: 'Clear queue' }).click();
  await expect(items).toHaveCount(1);
  await page.getByRole('button', { name: 'Close queue' }).click();

  // Keyboard: Enter on a row of the grid plays it; Space pauses.
  await page.getByTestId('track-table').focus();
  await page.keyboard.press('Home');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('np-title')).toHaveText('First Light');
  await expect.poll(elapsedSeconds, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
  await page.keyboard.press('Space');
  await expect(page.getByTestId('play-pause')).toHaveAccessibleName('Play');
  const paused = await elapsedSeconds();
  await page.waitForTimeout(1500);
  expect(await elapsedSeconds()).toBe(paused);
});

test('album grid, album page and artist page show the library', async () => {
  await nav('Albums').click();
  await expect(page.getByRole('button', { name: 'Northern Lights by Aurora Lane' })).toBeVisible();
  await expectNoSeriousA11yViolations('albums');
  await page.getByRole('button', { name: 'Field Notes by Copper Field' }).click();
  await expect(page.getByRole('heading', { name: 'Field Notes' })).toBeVisible();
  await expect(grid().getByRole('row')).toHaveCount(3); // header + 2 tracks

  await nav('Artists').click();
  await page.getByRole('button', { name: /Aurora Lane/ }).click();
  await expect(page.getByRole('heading', { name: 'Aurora Lane' })).toBeVisible();
  await expect(page.getByRole('grid', { name: 'Tracks' }).getByRole('row')).toHaveCount(5);
  await expectNoSeriousA11yViolations('artist page');
  await nav('Artists').click();
  await expectNoSeriousA11yViolations('artists');
});

test('axe finds no serious or critical violations on the main views', async () => {
  for (const view of ['Library', 'Problems', 'Settings']) {
    await nav(view).click();
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await expectNoSeriousA11yViolations(view);
  }
});

test('screenshot of the library view with real content', async () => {
  await nav('Library').click();
  await rowOf('Long Horizon').dblclick();
  await expect.poll(elapsedSeconds, { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
  await rowOf('Tidal Glass').click();
  await docScreenshot(page, 'library.png');
  // Images the host has not got (a cover for a track without one) are not errors of the page.
  expect(errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
});

// Changing one setting must leave the others alone (the library folders above all).
test('the volume is remembered across a reload', async () => {
  await page.getByTestId('volume').fill('35');
  // Saved a moment after the last change: wait until the host has written it, however busy the machine.
  const savedVolume = () => JSON.parse(readFileSync(join(app.host.dataDir, 'settings.json'), 'utf8')).volume;
  await expect.poll(savedVolume).toBe(0.35);
  await page.reload();
  await expect(page.getByTestId('track-count')).toHaveText(`${music.tracks.length} tracks`);
  await expect(page.getByTestId('volume')).toHaveValue('35');
});

test.describe('bad files never pass as tracks', () => {
  let bad: string;
  let cutDetail: string;
  test.beforeAll(() => {
    // Sorts after the main library folder, so its problems come last in the Problems list.
    bad = mkdtempSync(join(tmpdir(), 'resonate-zz-bad-'));
    const whole = join(bad, 'whole.mp3.src');
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=330:duration=30',
      '-ac',
      '2',
      '-b:a',
      '128k',
      '-f',
      'mp3',
      whole,
    ]);
    // More problems than the old list's silent 1,000-row cap.
    for (let i = 0; i < 1205; i++)
      writeFileSync(join(bad, `n-${String(i).padStart(4, '0')}.mp3`), 'not audio');
    const bytes = readFileSync(whole);
    writeFileSync(join(bad, 'zz-cut20k.mp3'), bytes.subarray(0, 20_000));
    cutDetail = `The file is cut short: 20 KB of an expected ${Math.round(bytes.length / 1000)} KB.`;
    // Two tracks: a WavPack file (a sound file the library reads, that the browser cannot decode), then an MP3.
    for (const [n, title, ext] of [
      [1, 'Will Fail', 'wv'],
      [2, 'Plays Fine', 'mp3'],
    ] as const) {
      execFileSync('ffmpeg', [
        '-v',
        'error',
        '-y',
        '-f',
        'lavfi',
        '-i',
        `sine=frequency=${400 + n * 100}:duration=6`,
        '-ac',
        '2',
        ...(ext === 'mp3' ? ['-b:a', '96k'] : ['-c:a', 'wavpack']),
        '-metadata',
        `title=${title}`,
        '-metadata',
        'artist=Zed Skip',
        '-metadata',
        'album=Skip Album',
        '-metadata',
        `track=${n}`,
        join(bad, `0${n} ${title}.${ext}`),
      ]);
    }
    rmSync(whole);
  });
  test.afterAll(() => rmSync(bad, { recursive: true, force: true }));

  test('cut files and every bad file are under Problems, paged, with the true total everywhere', async () => {
    await nav('Settings').click();
    await page.getByLabel('Music folder path').fill(bad);
    await page.getByRole('button', { name: 'Add folder' }).click();
    const total = 1205 + 1 + music.corrupt.length;
    await expect(nav('Problems')).toHaveAccessibleName(new RegExp(`${total}`), { timeout: 30_000 });
    await nav('Problems').click();
    await expect(page.getByTestId('problems-total')).toHaveText(`${total} files could not be added.`);
    await expect(page.getByTestId('problems-range')).toHaveText(`1–200 of ${total}`);
    const table = page.getByRole('table', { name: 'Files that could not be added' });
    await expect(table.getByRole('row')).toHaveCount(201);
    for (let i = 0; i < 6; i++) await page.getByRole('button', { name: 'Next page' }).click();
    await expect(page.getByTestId('problems-range')).toHaveText(`1201–${total} of ${total}`);
    await expect(page.getByRole('button', { name: 'Next page' })).toBeDisabled();
    const cut = table.getByRole('row').filter({ hasText: 'zz-cut20k.mp3' });
    await expect(cut).toContainText('Cut short');
    await expect(cut).toContainText(cutDetail);
    await docScreenshot(page, 'problems-view.png');

    // The library lists only the playable files, and Settings counts the same.
    await nav('Library').click();
    await expect(page.getByTestId('track-count')).toHaveText(`${music.tracks.length + 2} tracks`, {
      timeout: 30_000,
    });
    await expect(rowOf('zz-cut20k')).toHaveCount(0);
    await nav('Settings').click();
    const folders = page.getByRole('list', { name: 'Library folders' });
    await expect(folders.getByRole('listitem').filter({ hasText: bad })).toContainText('2 tracks');
    await expect(folders.getByRole('listitem').filter({ hasText: music.root })).toContainText(
      `${music.tracks.length} tracks`,
    );
  });

  test('a track whose file cannot be played is skipped with a plain message', async () => {
    await nav('Library').click();
    await rowOf('Will Fail').dblclick();
    await expect(page.getByTestId('skip-notice')).toContainText('Could not play “Will Fail”', {
      timeout: 15_000,
    });
    await expect(page.getByTestId('skip-notice')).toContainText('Skipped to the next track.');
    await expect(page.getByTestId('np-title')).toHaveText('Plays Fine');
    await expect.poll(elapsedSeconds, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    await expect(page.getByText(/no supported source|MEDIA_ERR|Format error/i)).toHaveCount(0);
    await page.getByTestId('play-pause').click();
  });

  test('a crate track whose file went missing shows a marker; Relocate binds it to its new copy, keeping it in the crate', async () => {
    const sidebar = () => page.getByRole('navigation', { name: 'Main' });
    await sidebar().getByRole('button', { name: 'New crate or folder…' }).click();
    await page.getByRole('form', { name: 'New crate or folder…' }).getByLabel('Name').fill('Relocate Set');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await sidebar().getByRole('button', { name: 'DJ collection' }).click();
    const djRow = page
      .getByRole('grid', { name: 'DJ tracks' })
      .getByRole('row')
      .filter({ hasText: 'Plays Fine' });
    await djRow.click({ button: 'right' });
    await page.getByRole('menu').getByRole('menuitem', { name: 'Add to “Relocate Set”' }).click();
    await expect(page.getByTestId('dj-notice')).toContainText('Added 1 track to “Relocate Set”.');

    // Re-encoded into another folder (other bytes: the scan cannot know it is the same track), the old file gone.
    const original = join(bad, '02 Plays Fine.mp3');
    mkdirSync(join(bad, 'Moved'));
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-i',
      original,
      '-map_metadata',
      '0',
      '-b:a',
      '128k',
      join(bad, 'Moved', 'Plays Fine (v2).mp3'),
    ]);
    rmSync(original);
    await nav('Settings').click();
    await page.getByRole('button', { name: 'Rescan all' }).click();
    const crate = sidebar().getByRole('button', { name: /Relocate Set/ });
    const marker = page
      .getByRole('grid', { name: 'Tracks in Relocate Set' })
      .getByRole('button', { name: 'Relocate “Plays Fine”: its file is missing' });
    await expect(async () => {
      await page.reload();
      await crate.click();
      await expect(marker).toBeVisible({ timeout: 2000 });
    }).toPass({ timeout: 30_000 });
    await expect(marker).toHaveText('File missing · Relocate…');
    // Problems lists it too, kept with its plays, with the same Relocate.
    await nav('Problems').click();
    await expect(page.getByTestId('missing')).toContainText('Zed Skip – Plays Fine');
    await expect(page.getByTestId('missing-total')).toContainText(
      'The file of 1 track is no longer where it was.',
    );
    await crate.click();

    await marker.click();
    const dialog = page.getByTestId('relocate-dialog');
    await dialog.getByLabel('File or folder').fill(join(bad, 'Moved'));
    await dialog.getByRole('button', { name: 'Relocate' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(marker).toHaveCount(0);
    await expect(
      page
        .getByRole('grid', { name: 'Tracks in Relocate Set' })
        .getByRole('row')
        .filter({ hasText: 'Plays Fine' }),
    ).toHaveCount(1);
    await expect(crate).toContainText('1 track');
    await nav('Problems').click();
    await expect(page.getByTestId('problems-total')).toBeVisible();
    await expect(page.getByTestId('missing')).toHaveCount(0);
  });
});
