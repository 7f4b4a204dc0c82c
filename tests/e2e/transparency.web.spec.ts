import { expect, test, type Page } from '@playwright/test';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CheatingProxy } from '../integration/tlog-app/cheating-proxy';
import { seededCoopServer, type CoopServer } from './support/coop-server';
import { docScreenshot } from './support/screenshots';
import { openApp, type OpenApp } from './support/web-app';

/**
 * The public log in the UI (issue 14), real Chromium through the web host,
 * a real server process behind a proxy: a co-op play settles and History
 * shows it *in the public log* with its leaf index; then the server is
 * swapped for a cheating one (the same server, its log history rewritten and
 * signed with its own key) and the main window shows the warning.
 */
let app: OpenApp;
let page: Page;
let server: CoopServer;
let proxy: CheatingProxy;
let codes: string[];

test.beforeAll(async () => {
  const seeded = await seededCoopServer([{ title: 'Ledger Song', seconds: 60 }], 'Open Books', 'Glass Choir');
  server = seeded.server;
  codes = (
    await seeded.admin.post<{ codes: string[] }>('/v1/admin/voucher-batches', {
      valueThousandths: 5000,
      count: 1,
    })
  ).body.codes;
  proxy = new CheatingProxy(server.url, CheatingProxy.seedOf(seeded.dataDir));
  await proxy.start();
  app = await openApp();
  page = app.page;
});
test.afterAll(async () => {
  await app?.close();
  await proxy?.stop();
  await server?.stop();
});

const nav = (name: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name, exact: true });

test('a settled play is shown in the public log; a server that rewrites its log is shown as a warning', async () => {
  test.setTimeout(150_000);
  await nav('Settings').click();
  await page.getByLabel('Sync server address').fill(proxy.url);
  await page.getByLabel('Sync server address').press('Enter');
  await expect(page.getByTestId('settings-status')).toHaveText('Saved');
  await page.getByTestId('account-chip').click();
  await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByLabel('Email').fill(`log-listener-${Date.now()}@example.org`);
  await page.getByLabel('Password').fill('listener password');
  await page.getByTestId('account-form').getByRole('button', { name: 'Create account', exact: true }).click();
  await expect(page.getByTestId('sync-state')).toHaveText('Online', { timeout: 20_000 });
  await nav('Wallet').click();
  await page.getByLabel('Voucher code').fill(codes[0]!);
  await page.getByRole('button', { name: 'Redeem' }).click();
  await expect(page.getByTestId('voucher-result')).toHaveText('Voucher redeemed: 5.000 credits added.');

  await nav('Co-op catalog').click();
  await page
    .getByRole('grid', { name: 'Co-op tracks' })
    .getByRole('row')
    .filter({ hasText: 'Ledger Song' })
    .dblclick();
  await expect(page.getByTestId('charge-notice')).toHaveText(/^Paid play 1 of 9/, { timeout: 70_000 });
  await page.getByTestId('play-pause').click();
  await page.getByTestId('sync-now').click();
  await expect(page.getByTestId('sync-pending')).toHaveCount(0);

  await nav('History').click();
  const row = page.getByTestId('history-row').filter({ hasText: 'Ledger Song' });
  // The play's leaf, as the real server has it (the voucher's credit is a leaf too).
  const size = Number((await (await fetch(`${server.url}/v1/log/checkpoint`)).text()).split('\n')[1]);
  const { leaves } = (await (await fetch(`${server.url}/v1/log/leaves?start=0&end=${size}`)).json()) as {
    leaves: { index: number; leaf: string }[];
  };
  const index = leaves.find((l) => JSON.parse(l.leaf).kind === 'play')!.index;
  await expect(row.getByTestId('history-log')).toHaveText(`In the public log · #${index}`);
  await expect(page.getByTestId('log-summary')).toContainText('cosigned by 0 witnesses');
  await expect(page.getByTestId('log-warning')).toHaveCount(0);

  // The same server, now showing a log whose past was changed (signed with its real key).
  proxy.mode = 'rewrite';
  proxy.rewriteIndex = 0;
  await page.getByTestId('sync-now').click();
  const warning = page.getByTestId('log-warning');
  await expect(warning).toBeVisible();
  await expect(warning.getByRole('heading')).toHaveText(
    "Warning: the co-op server's public log does not check out",
  );
  await expect(warning.getByTestId('log-failure')).toContainText('Two different histories');
  await warning.getByRole('button', { name: 'Save the evidence' }).click();
  await expect(warning.getByTestId('log-evidence-path')).toContainText('tlog-evidence');
  // The play proven before stays proven; nothing new is shown as verified.
  await expect(row.getByTestId('history-log')).toHaveText(`In the public log · #${index}`);

  const shot = await docScreenshot(page, 'transparency-warning.png');
  mkdirSync('/work/screens', { recursive: true });
  copyFileSync(shot, join('/work/screens', 'transparency-warning.png'));
});
