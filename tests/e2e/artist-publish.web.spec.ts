import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { coverImage, fromLavfi, sineTone, tagOptions } from '../support/ffmpeg';
import { seriousA11yViolations } from './support/a11y';
import { createAccountInApp, makeRightsholder, navButton, setServerUrl } from './support/app-account';
import { seededCoopServer, ServerApi, type CoopServer } from './support/coop-server';
import { listenerDevice } from './support/listener-device';
import { docScreenshot } from './support/screenshots';
import { openApp, type OpenApp } from './support/web-app';

/**
 * The artist's way in real Chromium (web host) against a real sync server
 * process: preview a release folder, choose paid/free per track, confirm,
 * watch the uploads, see it in the catalog; a listener plays (through the
 * server's HTTP API with receipts signed by a device key); the artist sees
 * the earnings (table, chart, totals), exports the CSV and an audit report
 * the verifier accepts, and unpublishes.
 */
let app: OpenApp;
let page: Page;
let server: CoopServer;
let admin: ServerApi;
let artistId: string;
let release: string;
let errors: string[];
const email = `artist-${Date.now()}@example.org`;
const password = 'artist password';

function makeRelease(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'resonate-publish-')), 'Tidal Rooms');
  mkdirSync(dir);
  const tracks: [string, number][] = [
    ['Harbour Lights', 50],
    ['Undertow', 48],
    ['Skerry', 20],
  ];
  tracks.forEach(([title, seconds], i) =>
    fromLavfi(
      sineTone(330 + i * 110, seconds),
      [
        ...['-ac', '1', '-b:a', '48k'],
        ...tagOptions({
          title,
          artist: 'Juniper Coast',
          album_artist: 'Juniper Coast',
          album: 'Tidal Rooms',
          track: `${i + 1}/3`,
          date: 2026,
        }),
      ],
      join(dir, `${String(i + 1).padStart(2, '0')} ${title}.mp3`),
    ),
  );
  coverImage('gradients=s=600x600:c0=0x0e7490:c1=0xf59e0b:d=1', join(dir, 'cover.jpg'));
  return dir;
}

test.beforeAll(async () => {
  release = makeRelease();
  ({ server, admin } = await seededCoopServer([{ title: 'Seed', seconds: 50 }], 'Seed', 'Someone Else'));
  artistId = (await admin.post<{ id: string }>('/v1/admin/artists', { name: 'Juniper Coast' })).body.id;
  app = await openApp({ height: 900, acceptDownloads: true });
  ({ page, errors } = app);
});
test.afterAll(async () => {
  await app?.close();
  await server?.stop();
});

const nav = (name: string) => navButton(page, name);
const seriousViolations = () => seriousA11yViolations(page);

test('sign up; the co-op makes the account a rightsholder of the artist', async () => {
  await setServerUrl(page, server.url);
  await createAccountInApp(page, email, password);
  await makeRightsholder(admin, { serverUrl: server.url, email, password }, artistId);
});

test('preview → publish: paid/free per track (short ones always free), a confirmation, progress, the result in the catalog', async () => {
  test.setTimeout(120_000);
  await nav('Release preview').click();
  await page.getByLabel('Release folder path').fill(release);
  await page.getByRole('button', { name: 'Open release' }).click();
  await expect(page.getByTestId('release-card').getByRole('heading', { name: 'Tidal Rooms' })).toBeVisible();
  const panel = page.getByTestId('publish-panel');
  await expect(panel.getByLabel('Artist profile')).toHaveValue(artistId);
  await expect(panel.getByLabel('Release title')).toHaveValue('Tidal Rooms');
  const row = (title: string) =>
    panel.getByTestId('publish-tracks').getByRole('row').filter({ hasText: title });
  await expect(row('Skerry').getByTestId('always-free')).toHaveText('Free: under 45 s, always free');
  await expect(row('Skerry').getByRole('combobox')).toHaveCount(0);
  await panel.getByLabel('Paid or free: Undertow').selectOption('free');
  await expect(panel.getByLabel('Paid or free: Harbour Lights')).toHaveValue('paid');

  await panel.getByTestId('publish-review').click();
  await expect(
    panel.getByText('Publish 3 tracks as “Tidal Rooms” by Juniper Coast? 1 paid, 2 free.'),
  ).toBeVisible();
  await expect(panel.getByTestId('publish-confirm')).toBeFocused();
  // The confirmation names the checks that did not pass (48 kbit/s MP3s).
  await expect(panel.getByTestId('publish-failed-checks')).toContainText('bit rate');
  await page.keyboard.press('Enter');
  await expect(panel.getByTestId('publish-result')).toContainText(
    'Published: 3 tracks are in the co-op catalog.',
    { timeout: 60_000 },
  );
  await expect(panel.getByTestId('upload-state')).toHaveText(['accepted', 'accepted', 'accepted']);
  await expect(panel.getByTestId('publish-result')).toContainText(
    'Harbour Lights · 0:50 · Paid (stream to own)',
  );
  await expect(panel.getByTestId('publish-result')).toContainText('Skerry · 0:20 · Free');
  await expect(panel.getByTestId('artist-releases')).toContainText('Tidal Rooms — in the catalog, 3 tracks');
  // Published: no "Publish…" offered again for the same release.
  await expect(panel.getByTestId('publish-review')).toHaveCount(0);
  expect(await seriousViolations()).toEqual([]);

  // In the catalog: for any listener on the server, and in this app's co-op catalog after a sync.
  const listener = new ServerApi(server.url);
  const signed = await listener.post<{ token: string }>('/v1/auth/sign-up', {
    email: `listener-${Date.now()}@example.org`,
    password: 'listener password',
  });
  listener.token = signed.body.token;
  const found = await listener.get<{ tracks: { title: string; status: string }[] }>(
    '/v1/catalog/tracks?q=tidal',
  );
  expect(found.body.tracks.map((t) => [t.title, t.status]).sort()).toEqual([
    ['Harbour Lights', 'paid'],
    ['Skerry', 'free'],
    ['Undertow', 'free'],
  ]);
  await nav('Co-op catalog').click();
  await expect(
    page.getByRole('grid', { name: 'Co-op tracks' }).getByRole('row').filter({ hasText: 'Harbour Lights' }),
  ).toBeVisible({ timeout: 20_000 });
});

test('a listener plays; the artist sees the earnings, exports CSV and a report that verifies', async () => {
  test.setTimeout(120_000);
  // A listener on another device: credits, a registered device key, signed receipts.
  const fan = await listenerDevice(server.url, admin);
  const listener = fan.api;
  const tracks = await fan.catalog('?q=tidal');
  const track = (title: string) => tracks.find((t) => t.title === title)!;
  const harbour = track('Harbour Lights');
  const settled = await fan.settle([harbour, harbour, harbour, track('Undertow'), track('Skerry')]);
  expect(settled.map((r) => [r.status, r.priceThousandths])).toEqual([
    ['settled', 2],
    ['settled', 4],
    ['settled', 8],
    ['settled', 0],
    ['settled', 0],
  ]);

  await nav('Earnings').click();
  await expect(page.getByRole('heading', { name: 'Earnings', level: 1 })).toBeVisible();
  await expect(page.getByTestId('earnings-artist')).toHaveValue(artistId);
  const table = page.getByTestId('earnings-table');
  const harbourRow = table.getByRole('row').filter({ hasText: 'Harbour Lights' });
  // Plays 3, paid 3, free 0, not covered 0; from plays 0.014 credits spent, your share 0.0098; no purchase;
  // in all 0.014 credits spent; 70/30: 0.0098 / 0.0042 credits.
  const harbourPlays = ['3', '3', '0', '0', /0\.014 cr/, /0\.0098 cr/];
  await expect(harbourRow.getByRole('cell')).toHaveText([
    ...harbourPlays,
    '0',
    /0\.000 cr/,
    /0\.0000 cr/,
    /0\.014 cr/,
    /0\.0098 cr/,
    /0\.0042 cr/,
  ]);
  await expect(table.getByRole('row').filter({ hasText: 'Skerry' }).getByRole('cell').nth(2)).toHaveText('1');
  await expect(page.getByTestId('total-artist-share')).toContainText('0.0098 cr');
  await expect(page.getByTestId('total-artist-share')).toContainText('€0.01');
  await expect(page.getByTestId('previews-note')).toContainText('no record');
  await expect(page.getByTestId('artist-membership')).toContainText('Not yet a member as an artist');

  // Over time: grouped by day, a bar per day with the table as its text alternative.
  await page.getByLabel('Group by').selectOption('day');
  const today = new Date().toISOString().slice(0, 10);
  await expect(table.getByRole('row').filter({ hasText: today }).getByRole('cell').first()).toHaveText('5');
  await expect(page.getByRole('img', { name: /Your share by day/ })).toBeVisible();

  // CSV: the server's text, saved through a download link.
  const download = page.waitForEvent('download');
  await page.getByTestId('export-csv').click();
  const file = await (await download).path();
  expect(readFileSync(file, 'utf8')).toContain(`${today},,5,3,2,0,0.014,0.0098,0.0042`);

  // The audit report: saved where the artist says, verified here, with the command to check it themselves.
  const reportPath = join(mkdtempSync(join(tmpdir(), 'resonate-report-')), 'earnings.json');
  await page.getByLabel('Save the report as (file path)').fill(reportPath);
  await page.getByRole('button', { name: 'Export and verify' }).click();
  const verdict = page.getByTestId('report-verdict');
  await expect(verdict).toContainText('Verified: all 5 receipts are signed by their devices', {
    timeout: 20_000,
  });
  await expect(page.getByTestId('verify-command')).toHaveText(
    `npm run --silent cli -- verify-report ${reportPath} --json`,
  );
  expect(JSON.parse(readFileSync(reportPath, 'utf8'))).toMatchObject({
    format: 'resonate/earnings-report',
    totals: { plays: 5, paidPlays: 3 },
  });

  expect(await seriousViolations()).toEqual([]);
  await page.getByLabel('Group by').selectOption('track');
  await expect(harbourRow).toBeVisible();
  await page.locator('.earnings-view').evaluate((el) => el.scrollTo(0, 0));
  await docScreenshot(page, 'earnings.png');

  // The listener buys the rest of Harbour Lights: a purchase on its own line, not more plays (1.022 − 0.014 = 1.008; 70 %: 0.7056).
  const bought = await listener.post<{ totalThousandths: number }>(`/v1/tracks/${harbour.id}/buy`, {
    requestId: `buy-${uuidv7()}`,
  });
  expect(bought.body.totalThousandths).toBe(1008);
  // (The view keeps what it loaded a while; another period asks the server again.)
  await page.getByTestId('earnings-period').selectOption('thisMonth');
  // The same plays; the purchase in its own columns.
  await expect(harbourRow.getByRole('cell')).toHaveText([
    ...harbourPlays,
    '1',
    /1\.008 cr/,
    /0\.7056 cr/,
    /1\.022 cr/,
    /0\.7154 cr/,
    /0\.3066 cr/,
  ]);
  await expect(page.getByTestId('total-purchases')).toHaveText('1');
  await page.getByLabel('Group by').selectOption('month');
  const monthRow = table.getByRole('row').filter({ hasText: today.slice(0, 7) });
  await expect(monthRow.getByRole('cell')).toHaveText([
    '5',
    '3',
    '2',
    '0',
    /0\.014 cr/,
    /0\.0098 cr/,
    '1',
    /1\.008 cr/,
    /0\.7056 cr/,
    /1\.022 cr/,
    /0\.7154 cr/,
    /0\.3066 cr/,
  ]);
  await page.getByLabel('Group by').selectOption('track');
  await page.getByTestId('earnings-period').selectOption('all');
});

test('unpublish from the release preview keeps the earnings', async () => {
  await nav('Release preview').click();
  const panel = page.getByTestId('publish-panel');
  await panel.getByRole('button', { name: 'Unpublish Tidal Rooms' }).click();
  await expect(panel.getByText('“Tidal Rooms” is unpublished.')).toBeVisible();
  await expect(panel.getByTestId('artist-releases')).toContainText('Tidal Rooms — unpublished, 3 tracks');
  await nav('Earnings').click();
  await expect(
    page.getByTestId('earnings-table').getByRole('row').filter({ hasText: 'Harbour Lights' }),
  ).toBeVisible();
  expect(errors).toEqual([]);
});
