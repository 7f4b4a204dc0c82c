import { expect, test, type Browser } from '@playwright/test';
import { launchChromium, startWebHost, watchPageErrors, type RunningWebHost } from './support/web-app';

let browser: Browser;
let host: RunningWebHost;

test.beforeAll(async () => {
  browser = await launchChromium();
  host = await startWebHost();
});
test.afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

test('the built renderer reaches a real main-process service through the web host', async () => {
  const page = await browser.newPage();
  const errors = watchPageErrors(page);
  await page.goto(host.openUrl);
  await page.getByRole('button', { name: 'Settings' }).click();
  const about = page.getByTestId('about');
  await expect(about).toContainText('Running in: the web host');
  await expect(about).toContainText(host.dataDir);
  // The token left the address bar once the page took it.
  expect(page.url()).not.toContain('token=');
  expect(errors).toEqual([]);
});

test('invalid input gets the typed validation error naming the field, and changes nothing', async () => {
  const page = await browser.newPage();
  await page.goto(host.openUrl);
  await page.getByRole('button', { name: 'Settings' }).click();
  const field = page.getByLabel('Sync server address');

  await field.fill('https://coop.example.org');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('settings-status')).toHaveText('Saved');

  await field.fill('not a url');
  await page.getByRole('button', { name: 'Save' }).click();
  // The field is named as the form names it, with what to enter; never by its code name.
  await expect(page.getByTestId('settings-status')).toHaveText(
    'Not saved: Sync server address: enter an address that starts with http:// or https://, or leave it empty to use the bundled server.',
  );

  // Nothing changed: a fresh page reads the value saved before.
  await page.reload();
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByLabel('Sync server address')).toHaveValue('https://coop.example.org');
});

test('other local pages cannot call the web host without the token', async () => {
  const page = await browser.newPage();
  await page.goto(`${host.url}/`); // no token
  const result = await page.evaluate(
    (url) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(`${url.replace('http', 'ws')}/rpc?token=wrong`);
        ws.onopen = () => resolve('opened');
        ws.onerror = () => resolve('refused');
      }),
    host.url,
  );
  expect(result).toBe('refused');
  const media = await page.evaluate(
    async (url) => (await fetch(`${url}/media/track/local/1?token=wrong`)).status,
    host.url,
  );
  expect(media).toBe(403);
});
