import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seriousA11yViolations } from './support/a11y';
import { docScreenshot } from './support/screenshots';
import { openApp, type OpenApp } from './support/web-app';

/**
 * A new user's first run with the app's own co-op node (no sync server set),
 * in Chromium through the web host: the catalog is empty; they create an
 * account, become the node's admin on the Co-op node page, import a folder of
 * generated audio as a release, grant themselves credits, and the Co-op
 * catalog lists the release and plays it. Then a second account on the same
 * node sees no admin actions.
 */
let app: OpenApp;
let page: Page;
let errors: string[];
let music: string;
const email = `first-${Date.now()}@example.org`;
const password = 'first run password';

/** Two tagged MP3s (60 s and 50 s of tones) and one file that is not audio. */
function makeReleaseFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'resonate-coop-release-'));
  const tracks = [
    { file: '01 Harbour Light.mp3', title: 'Harbour Light', seconds: 60, hz: 330 },
    { file: '02 Low Tide.mp3', title: 'Low Tide', seconds: 50, hz: 440 },
  ];
  tracks.forEach((t, i) =>
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      `sine=frequency=${t.hz}:duration=${t.seconds}`,
      '-ac',
      '1',
      '-b:a',
      '32k',
      '-metadata',
      `title=${t.title}`,
      '-metadata',
      `track=${i + 1}`,
      '-metadata',
      'album=Tidewater',
      join(dir, t.file),
    ]),
  );
  writeFileSync(join(dir, '03 notes.mp3'), Buffer.alloc(3000, 1));
  return dir;
}

const nav = (name: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name, exact: true });
const seriousViolations = () => seriousA11yViolations(page);

test.beforeAll(async () => {
  music = makeReleaseFolder();
  app = await openApp({ height: 900 });
  ({ page, errors } = app);
});
test.afterAll(async () => {
  await app?.close();
});

async function createAccount(address: string): Promise<void> {
  await nav('Account').click();
  await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByLabel('Email').fill(address);
  await page.getByLabel('Password').fill(password);
  await page.getByTestId('account-form').getByRole('button', { name: 'Create account', exact: true }).click();
  await expect(page.getByTestId('account-chip')).toHaveText(address);
}

test('first run: sign up, become the node admin, import a folder as a release, grant credits, play it from the catalog', async () => {
  test.setTimeout(180_000);
  // What a new user finds: the app's own node, its catalog empty.
  await nav('Co-op catalog').click();
  await expect(page.getByText('No co-op tracks on this device yet.')).toBeVisible();
  await expect(page.getByTestId('coop-empty-hint')).toContainText("This is the app's own co-op node");
  await docScreenshot(page, 'coop-first-run-empty-catalog.png');
  await page.getByTestId('coop-empty-hint').getByRole('button', { name: 'Open the Co-op node page' }).click();
  await expect(page.getByRole('heading', { name: 'Co-op node', level: 1 })).toBeVisible();
  await expect(page.getByTestId('coop-node-intro')).toHaveText(
    /This app runs its own co-op node on this computer/,
  );
  await expect(page.getByText('Sign in or create an account to use the co-op.')).toBeVisible();

  await createAccount(email);
  await nav('Co-op node').click();
  await expect(page.getByTestId('coop-node-account')).toHaveText(`Signed in as ${email} (listener).`);
  // A listener sees no admin action before claiming.
  await expect(page.getByTestId('coop-node-grant')).toHaveCount(0);
  await page.getByTestId('coop-node-claim').getByRole('button', { name: 'Become admin' }).click();
  await expect(page.getByTestId('coop-node-account')).toHaveText(`Signed in as ${email} (admin).`);
  await expect(page.getByTestId('coop-node-claim')).toHaveCount(0);
  // The one-time key was used and deleted: it never went through the page.
  expect(existsSync(join(app.host.dataDir, 'coop-server', 'local-admin-token'))).toBe(false);

  const importForm = page.getByTestId('coop-node-import');
  await importForm.getByLabel('Folder on this computer').fill(join(music, 'missing'));
  await importForm.getByLabel('Artist name').fill('Tidewater Trio');
  await importForm.getByRole('button', { name: 'Import release' }).click();
  await expect(page.getByTestId('coop-node-import-result')).toHaveText(
    /^Could not import the release \(bad_folder: there is no folder .*missing\)\.$/,
  );
  await importForm.getByLabel('Folder on this computer').fill(music);
  await importForm.getByRole('button', { name: 'Import release' }).click();
  await expect(page.getByTestId('coop-node-import-result')).toContainText(
    'Imported “Tidewater” by Tidewater Trio: 2 tracks. It is in the Co-op catalog.',
  );
  await expect(page.getByTestId('import-skipped')).toContainText('03 notes.mp3');

  const grant = page.getByTestId('coop-node-grant');
  await grant.getByLabel('Account email').fill(email);
  await grant.getByLabel('Credits').fill('2.5.1');
  await grant.getByRole('button', { name: 'Grant credits' }).click();
  await expect(page.getByTestId('coop-node-grant-result')).toHaveText(/Enter an amount of credits above 0/);
  await grant.getByLabel('Credits').fill('5');
  await grant.getByRole('button', { name: 'Grant credits' }).click();
  await expect(page.getByTestId('coop-node-grant-result')).toHaveText(
    `Granted 5.000 credits to ${email}. Their balance is now 5.000 credits.`,
  );
  await expect(page.getByTestId('wallet-balance-value')).toHaveText('5.000', { timeout: 20_000 });

  const vouchers = page.getByTestId('coop-node-vouchers');
  await vouchers.getByLabel('Credits per voucher').fill('1');
  await vouchers.getByLabel('How many').fill('3');
  await vouchers.getByRole('button', { name: 'Make vouchers' }).click();
  const codes = (await page.getByTestId('voucher-codes').inputValue()).split('\n');
  expect(codes).toHaveLength(3);
  expect(await seriousViolations()).toEqual([]);
  await docScreenshot(page, 'coop-first-run.png', { fullPage: true });

  await nav('Co-op catalog').click();
  const grid = page.getByRole('grid', { name: 'Co-op tracks' });
  const row = (title: string) => grid.getByRole('row').filter({ hasText: title });
  await expect(row('Harbour Light')).toContainText('Tidewater Trio');
  await expect(row('Low Tide')).toBeVisible();
  await row('Harbour Light').dblclick();
  await expect(page.getByTestId('np-title')).toHaveText('Harbour Light', { timeout: 20_000 });
  // It plays: the free preview counts down.
  const countdown = page.getByTestId('preview-countdown');
  await expect(countdown).toHaveText(/^Free preview: \d+ s left$/);
  const first = Number(/(\d+) s left/.exec((await countdown.textContent()) ?? '')?.[1]);
  await expect
    .poll(async () => Number(/(\d+) s left/.exec((await countdown.textContent()) ?? '')?.[1]), {
      timeout: 15_000,
    })
    .toBeLessThan(first);
  await page.getByTestId('play-pause').click();
  expect(errors).toEqual([]);
});

test('a second account on the same node is offered no admin actions', async () => {
  await page.getByTestId('account-chip').click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await createAccount(`second-${Date.now()}@example.org`);
  await nav('Co-op node').click();
  await expect(page.getByTestId('coop-node-account')).toContainText('(listener)');
  await expect(page.getByText("This node's admin is another account.")).toBeVisible();
  for (const id of [
    'coop-node-claim',
    'coop-node-import',
    'coop-node-grant',
    'coop-node-vouchers',
    'coop-node-rightsholder',
  ])
    await expect(page.getByTestId(id)).toHaveCount(0);
  await expect(page.getByTestId('coop-node-yours')).toContainText('Redeem a voucher code in the Wallet.');
});
