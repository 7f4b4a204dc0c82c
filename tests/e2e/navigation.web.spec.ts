import { expect, test, type Page } from '@playwright/test';
import { openApp, type OpenApp } from './support/web-app';

let app: OpenApp;
let page: Page;

test.beforeAll(async () => {
  app = await openApp();
  page = app.page;
});
test.afterAll(async () => {
  await app?.close();
});

const sidebar = (name: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name, exact: true });
const heading = (name: string) => page.getByRole('heading', { level: 1, name, exact: true });

test('Back and Forward (the browser, Alt+← / Alt+→, the mouse) return to the views opened before', async () => {
  await expect(heading('Welcome to Resonate')).toBeVisible();
  await sidebar('Albums').click();
  await expect(heading('Albums')).toBeVisible();
  // The view took the focus, for keyboard and screen-reader users.
  await expect(page.locator('#main')).toBeFocused();
  await sidebar('Artists').click();
  await expect(heading('Artists')).toBeVisible();
  await sidebar('Settings').click();
  await expect(heading('Settings')).toBeVisible();
  await expect(page).toHaveURL(/#\/settings$/);

  await page.goBack();
  await expect(heading('Artists')).toBeVisible();
  await expect(sidebar('Artists')).toHaveAttribute('aria-current', 'page');

  await page.locator('#main').focus();
  await page.keyboard.press('Alt+ArrowLeft');
  await expect(heading('Albums')).toBeVisible();
  await expect(page).toHaveURL(/#\/albums$/);

  await page.keyboard.press('Alt+ArrowRight');
  await expect(heading('Artists')).toBeVisible();

  // The mouse's back button (button 3) goes back too.
  await page.evaluate(() => window.dispatchEvent(new MouseEvent('mouseup', { button: 3, cancelable: true })));
  await expect(heading('Albums')).toBeVisible();
  await page.goForward();
  await expect(heading('Artists')).toBeVisible();
  await page.goForward();
  await expect(heading('Settings')).toBeVisible();
});

test('an address opens its view on reload; an unknown address opens the library', async () => {
  await sidebar('Problems').click();
  await expect(heading('Problems')).toBeVisible();
  const address = new URL(page.url());
  expect(address.hash).toBe('#/problems');

  await page.evaluate(() => (location.hash = '#/settings'));
  await expect(heading('Settings')).toBeVisible();
  await page.reload();
  await expect(heading('Settings')).toBeVisible();
  await expect(sidebar('Settings')).toHaveAttribute('aria-current', 'page');

  await page.evaluate(() => (location.hash = '#/no-such-view'));
  await expect(heading('Welcome to Resonate')).toBeVisible();
  await expect(page).toHaveURL(/#\/$/);
  expect(app.errors).toEqual([]);
});
