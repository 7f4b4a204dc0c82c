import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, openDatabase } from '../../src/main/services/db/database';
import { allMigrations } from '../../src/main/services/db/migrations';
import { seriousA11yViolations } from './support/a11y';
import { openApp, type OpenApp } from './support/web-app';
import { fromLavfi, sineTone } from '../support/ffmpeg';

/**
 * What the renderer shows of stream to own, from states the main process
 * computes: the co-op catalog is put into the local cache directly (as the
 * sync engine will), one short track is really played to its end and the
 * History shows the counted free play. The 45-second paid play has its own e2e.
 */
let app: OpenApp;
let page: Page;

function seed(dataDir: string): void {
  const jingle = fromLavfi(sineTone(660, 3), ['-c:a', 'libvorbis'], join(dataDir, 'jingle.ogg'));
  const long = fromLavfi(sineTone(440, 90), ['-c:a', 'libvorbis'], join(dataDir, 'long.ogg'));
  const db = openDatabase(join(dataDir, 'library.sqlite'));
  migrate(db, allMigrations);
  const track =
    db.prepare(`INSERT INTO coop_tracks (id, title, artist, album, duration_ms, status, rightsholder, is_own, local_file, updated_at)
    VALUES (?, ?, 'Marrow Choir', 'Open Water', ?, ?, 'marrow-choir', 0, ?, 0)`);
  const progress = db.prepare(
    'INSERT INTO coop_track_progress (track_id, paid_plays, owned, counted_plays) VALUES (?, ?, ?, ?)',
  );
  track.run('halfway', 'Halfway Song', 200_000, 'paid', null);
  progress.run('halfway', 3, 0, 3);
  track.run('owned-one', 'Owned Song', 180_000, 'paid', null);
  progress.run('owned-one', 9, 1, 9);
  track.run('gift', 'Gift Song', 150_000, 'free', null);
  track.run('jingle', 'Short Jingle', 3_000, 'paid', jingle);
  track.run('long-one', 'Long Song', 90_000, 'paid', long);
  progress.run('long-one', 2, 0, 2);
  db.prepare('UPDATE wallet SET balance_thousandths = 5, balance_as_of = ? WHERE id = 1').run(Date.now());
  db.close();
}

test.beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'resonate-e2e-s2o-'));
  seed(dataDir);
  app = await openApp({ dataDir });
  ({ page } = app);
});
test.afterAll(async () => {
  await app?.close();
});

const nav = (name: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name, exact: true });

/** Plays a co-op track as a user does (a double click on its catalog row); done when the player shows it. */
async function playFromCatalog(title: string): Promise<void> {
  await nav('Co-op catalog').click();
  await page
    .getByRole('grid', { name: 'Co-op tracks' })
    .getByRole('row')
    .filter({ hasText: title })
    .dblclick();
  await expect(page.getByTestId('np-title')).toHaveText(title);
}

test('catalog rows show plays as nine steps, the next price, owned and free; no red low balance for someone not signed in', async () => {
  const balance = page.getByTestId('wallet-balance');
  await expect(balance).toContainText('Balance 0.005');
  // Not signed in: not someone who uses the co-op; the Wallet view still says the balance is low.
  await expect(balance).not.toContainText('Low balance');
  await expect(balance).not.toHaveClass(/low/);
  await nav('Wallet').click();
  await expect(page.getByTestId('low-balance')).toBeVisible();

  await nav('Co-op catalog').click();
  const grid = page.getByRole('grid', { name: 'Co-op tracks' });
  const row = (title: string) => grid.getByRole('row').filter({ hasText: title });
  await expect(row('Halfway Song').getByRole('img', { name: '3 of 9 plays paid' })).toBeVisible();
  // The 4th paid play costs 2^4 thousandths; the balance (0.005) does not cover it: preview only.
  await expect(row('Halfway Song').getByRole('gridcell').last()).toContainText('0.016');
  await expect(row('Halfway Song')).toContainText('Preview only');
  await expect(row('Owned Song')).toContainText('Owned');
  await expect(row('Gift Song')).toContainText('Free');
  await expect(row('Short Jingle')).toContainText('Free');
  expect(await seriousA11yViolations(page)).toEqual([]);

  if (process.env.SCREENSHOTS) await page.screenshot({ path: 'test-results/coop.png' });
  await nav('Collection').click();
  const owned = page.getByRole('grid', { name: 'Owned tracks' });
  await expect(owned.getByRole('row')).toHaveCount(2);
  await expect(owned).toContainText('Owned Song');
});

test('a short co-op track played to its end is counted, free, and listed in History', async () => {
  await playFromCatalog('Short Jingle');
  await expect(page.getByTestId('now-playing').getByTestId('s2o-summary')).toContainText('Free');
  await nav('History').click();
  const history = page.getByRole('table', { name: 'Counted plays and charges' });
  await expect(history.getByTestId('history-row').filter({ hasText: 'Short Jingle' })).toContainText(
    'Short track: always free',
    { timeout: 20_000 },
  );
  await expect(history).toContainText('0.000');
  if (process.env.SCREENSHOTS) await page.screenshot({ path: 'test-results/history.png' });
  await nav('Wallet').click();
  await expect(page.getByTestId('wallet-spendable')).toHaveText('0.005 credits');
  expect(await seriousA11yViolations(page)).toEqual([]);
});

test('a paid co-op play shows the 45-second mark on the seek bar and counts down its free preview', async () => {
  await playFromCatalog('Long Song');
  // 45 s of 90 s: the mark sits half way along the seek bar.
  const mark = page.getByTestId('seek-mark');
  await expect(mark).toHaveAttribute('title', 'A play is counted after 45 seconds');
  const [markBox, seekBox] = [
    await mark.boundingBox(),
    await page.getByRole('slider', { name: 'Seek' }).boundingBox(),
  ];
  expect(Math.abs(markBox!.x - (seekBox!.x + seekBox!.width / 2))).toBeLessThan(seekBox!.width * 0.05);
  // The balance (0.005) does not cover the third play (0.008): a preview, and the countdown says so.
  const countdown = page.getByTestId('preview-countdown');
  await expect(countdown).toHaveText(/^Preview: \d+ s left$/);
  await expect(countdown).toHaveAttribute('title', /does not cover this play \(0\.008 credits\)/);
  // It counts down from the main process's heard time.
  const secondsLeft = async () => Number(/(\d+) s left/.exec(await countdown.innerText())![1]);
  const first = await secondsLeft();
  await expect.poll(secondsLeft, { timeout: 15_000 }).toBeLessThan(first);
  expect(first).toBeLessThanOrEqual(45);
  await page.getByTestId('play-pause').click();
  await page.setViewportSize({ width: 1280, height: 800 });
  if (process.env.SCREENSHOT_DIR)
    await page.screenshot({ path: join(process.env.SCREENSHOT_DIR, 'preview-countdown.png') });
  // A free track has neither.
  await playFromCatalog('Short Jingle');
  await expect(page.getByTestId('preview-countdown')).toHaveCount(0);
  await expect(page.getByTestId('seek-mark')).toHaveCount(0);
});
