import { expect, test, type Page } from '@playwright/test';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { verifySignedPlayReceipt } from '../../src/node/receipt-signing';
import { seededCoopServer, ServerApi, startCoopServer, type CoopServer } from './support/coop-server';
import { openApp, type OpenApp, type RunningWebHost } from './support/web-app';

/**
 * The 45-second rule end to end, offline: a co-op track downloaded for
 * offline in the UI, the server stopped, real audio played for 45 real
 * seconds in Chromium through the web host. The main process counts and
 * charges it exactly once (2 thousandths, the first paid play), a signed
 * receipt waits in the outbox and verifies with the device's public key, and
 * the UI shows 1 of 9 steps, the new balance and one play to sync. Then the
 * server comes back on the same address and "Sync now" settles it: nothing
 * pending, the server's wallet charged once.
 */
let app: OpenApp;
let host: RunningWebHost;
let page: Page;
let server: CoopServer;
let code: string;
const email = `offline-${Date.now()}@example.org`;
const password = 'listener password';

test.beforeAll(async () => {
  const seeded = await seededCoopServer(
    [{ title: 'Night Song', seconds: 60 }],
    'Night Shift',
    'Marrow Choir',
  );
  server = seeded.server;
  code = (
    await seeded.admin.post<{ codes: string[] }>('/v1/admin/voucher-batches', {
      valueThousandths: 3000,
      count: 1,
    })
  ).body.codes[0]!;
  app = await openApp();
  ({ host, page } = app);
});
test.afterAll(async () => {
  await app?.close();
  await server?.stop();
});

const nav = (name: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name, exact: true });

test('offline: a 45-second play is counted and charged once, its signed receipt waits in the outbox, and one sync settles it', async () => {
  test.setTimeout(180_000);
  await nav('Settings').click();
  await page.getByLabel('Sync server address').fill(server.url);
  await page.getByLabel('Sync server address').press('Enter');
  await expect(page.getByTestId('settings-status')).toHaveText('Saved');
  await nav('Account').click();
  await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByTestId('account-form').getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByTestId('account-chip')).toHaveText(email);
  await nav('Wallet').click();
  await page.getByLabel('Voucher code').fill(code);
  await page.getByRole('button', { name: 'Redeem' }).click();
  await expect(page.getByTestId('voucher-result')).toHaveText('Voucher redeemed: 3.000 credits added.');
  await expect(page.getByTestId('wallet-spendable')).toHaveText('2.044 credits');

  // Download for offline from the catalog: the row gets its badge, the usage indicator counts it.
  await nav('Co-op catalog').click();
  const row = page
    .getByRole('grid', { name: 'Co-op tracks' })
    .getByRole('row')
    .filter({ hasText: 'Night Song' });
  await row.click();
  await page.getByTestId('track-actions').getByRole('button', { name: 'Download for offline' }).click();
  await expect(page.getByTestId('track-action-result')).toHaveText('Downloaded: it plays with no network.');
  await expect(row.getByTestId('offline-badge')).toHaveText('Offline');
  await page.getByTestId('track-actions').getByLabel('Keep (never remove to make room)').check();
  await expect(row.getByTestId('offline-badge')).toHaveText('Kept');
  await expect(page.getByTestId('downloads-usage')).toContainText(/Downloads: \d+(\.\d)? kB of 2(\.\d)? GB/);

  await server.stop();
  await page.getByTestId('sync-now').click();
  await expect(page.getByTestId('sync-state')).toHaveText('Offline');

  const started = Date.now();
  await row.dblclick();
  await expect(page.getByTestId('np-title')).toHaveText('Night Song');
  await expect(page.getByTestId('wallet-balance')).toContainText('2.042', { timeout: 70_000 });
  const countedAfter = Date.now() - started;
  expect(countedAfter).toBeGreaterThanOrEqual(45_000);
  test.info().annotations.push({ type: 'counted after', description: `${countedAfter} ms` });
  await expect(row.getByRole('img', { name: '1 of 9 plays paid' })).toBeVisible();
  await expect(page.getByTestId('now-playing').getByTestId('s2o-summary')).toContainText('0.004');
  await expect(page.getByTestId('sync-pending')).toHaveText('1 play to sync');
  await expect(page.getByTestId('wallet-offline')).toHaveText('· 2.042 usable offline');
  // Keep listening a little (3 s more of the track, however long that takes): still one count, one charge.
  const elapsed = async () => {
    const [m, s] = (await page.getByTestId('elapsed').innerText()).split(':').map(Number);
    return m! * 60 + s!;
  };
  const heardAtCount = await elapsed();
  await expect.poll(elapsed, { timeout: 30_000 }).toBeGreaterThanOrEqual(heardAtCount + 3);
  await page.getByTestId('play-pause').click();

  const db = new Database(join(host.dataDir, 'library.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const plays = db
      .prepare(
        'SELECT outcome, paid_play_number AS n, charge_thousandths AS charge, heard_ms AS heard, receipt_id AS receiptId FROM coop_plays',
      )
      .all() as {
      outcome: string;
      n: number;
      charge: number;
      heard: number;
      receiptId: string;
    }[];
    expect(plays).toHaveLength(1);
    expect(plays[0]).toMatchObject({ outcome: 'charged', n: 1, charge: 2 });
    expect(plays[0]!.heard).toBeGreaterThanOrEqual(45_000);
    const outbox = db
      .prepare(
        'SELECT o.id, o.canonical_json AS json, o.signature, o.answered_at AS answeredAt, d.public_key AS publicKey FROM outbox o JOIN devices d ON d.id = o.device_id',
      )
      .all() as {
      id: string;
      json: string;
      signature: string;
      answeredAt: number | null;
      publicKey: string;
    }[];
    expect(outbox).toHaveLength(1);
    expect(outbox[0]!.id).toBe(plays[0]!.receiptId);
    expect(outbox[0]!.answeredAt).toBeNull();
    const verified = verifySignedPlayReceipt(
      { receipt: JSON.parse(outbox[0]!.json), signature: outbox[0]!.signature },
      outbox[0]!.publicKey,
    );
    expect(verified.ok).toBe(true);
    if (verified.ok) expect(verified.receipt).toMatchObject({ id: outbox[0]!.id, seq: 1 });
  } finally {
    db.close();
  }

  server = await startCoopServer(server.dataDir, server.port);
  await page.getByTestId('sync-now').click();
  await expect(page.getByTestId('sync-state')).toHaveText('Online');
  await expect(page.getByTestId('sync-pending')).toHaveCount(0);
  const listener = await ServerApi.signIn(server.url, email, password);
  expect((await listener.get<{ balanceThousandths: number }>('/v1/wallet')).body.balanceThousandths).toBe(
    2998,
  );
  // A second sync sends nothing again.
  await page.getByTestId('sync-now').click();
  await expect(page.getByTestId('sync-state')).toHaveText('Online');
  expect((await listener.get<{ balanceThousandths: number }>('/v1/wallet')).body.balanceThousandths).toBe(
    2998,
  );
  await nav('Wallet').click();
  await expect(page.getByTestId('wallet-balance-big')).toContainText('2.998');
  await expect(page.getByTestId('wallet-unsent')).toHaveText('0');
});
