import { expect, type Page } from '@playwright/test';
import { ServerApi } from './coop-server';

/** The main navigation's button for a view. */
export const navButton = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name, exact: true });

/** Points the app at a sync server in Settings (Enter saves). */
export async function setServerUrl(page: Page, url: string): Promise<void> {
  await navButton(page, 'Settings').click();
  const field = page.getByLabel('Sync server address');
  await field.fill(url);
  await field.press('Enter');
  await expect(page.getByTestId('settings-status')).toHaveText('Saved');
}

/** Creates an account in the Account view, as a user does; done when the view shows its email. */
export async function createAccountInApp(page: Page, email: string, password: string): Promise<void> {
  await navButton(page, 'Account').click();
  await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByTestId('account-form').getByRole('button', { name: 'Create account', exact: true }).click();
  await expect(page.getByTestId('account-email')).toHaveText(email);
}

/** The admin makes that account a rightsholder of the artist (on the server, as the co-op does). */
export async function makeRightsholder(
  admin: ServerApi,
  account: { serverUrl: string; email: string; password: string },
  artistId: string,
): Promise<void> {
  const me = await (
    await ServerApi.signIn(account.serverUrl, account.email, account.password)
  ).get<{ id: string }>('/v1/me');
  expect(
    (await admin.post(`/v1/admin/artists/${artistId}/rightsholders`, { userId: me.body.id })).status,
  ).toBe(204);
}
