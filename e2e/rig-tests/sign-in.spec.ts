import { expect, test } from '@playwright/test';
import { signInAs } from './helpers.ts';

test('a catalog user signs in through the OpenID provider and the portal knows who they are', async ({
  browser,
}) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInAs(page, 'alice', '/settings');
  // the identity resolved from the OIDC e-mail is the catalog user, with the group from the claim
  await expect(page.getByText('user:default/alice').first()).toBeVisible();
  await expect(
    page.getByText('group:default/data-science').first(),
  ).toBeVisible();
  await context.close();
});

test('the sign-in page refuses a wrong password and signs nobody in', async ({
  browser,
}) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('/');
  const popupPromise = page.waitForEvent('popup');
  await page
    .getByRole('button', { name: /sign in/i })
    .first()
    .click();
  const popup = await popupPromise;
  await popup.getByLabel('User name or e-mail').fill('bob');
  await popup.getByLabel('Password').fill('not-the-password');
  await popup.getByRole('button', { name: 'Sign in' }).click();
  await expect(popup.getByRole('alert')).toHaveText(
    'Unknown user or wrong password.',
  );
  await expect(page.getByTestId('sidebar-root')).toHaveCount(0);
  await context.close();
});
