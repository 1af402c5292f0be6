import { expect, type Page } from '@playwright/test';

/** The rig's OpenID provider's test users (e2e/rig/oidc/users.ts), matching catalog users. */
export type RigUser = 'alice' | 'bob' | 'carol' | 'dave';

/**
 * Signs in through the sign-in page's "Single sign-on" provider: the popup goes to the rig's
 * OpenID provider, whose login form takes the user's name and the rig password; the portal
 * then shows its sidebar. Use one browser context per user (`browser.newContext()`), since the
 * provider keeps a session cookie.
 */
export async function signInAs(page: Page, user: RigUser, path = '/') {
  const password = process.env.KAML_RIG_OIDC_PASSWORD;
  if (!password)
    throw new Error(
      'KAML_RIG_OIDC_PASSWORD is not set: run with playwright.rig.config.ts',
    );
  await page.goto(path);
  // the guest provider's button says "Enter"; the single sign-on card's says "Sign in"
  await expect(page.getByText('Single sign-on')).toBeVisible();
  const popupPromise = page.waitForEvent('popup');
  await page
    .getByRole('button', { name: /sign in/i })
    .first()
    .click();
  const popup = await popupPromise;
  await popup.getByLabel('User name or e-mail').fill(user);
  await popup.getByLabel('Password').fill(password);
  await popup.getByRole('button', { name: 'Sign in' }).click();
  await expect(
    page
      .getByTestId('sidebar-root')
      .getByRole('link', { name: 'Workbench', exact: true }),
  ).toBeVisible();
}

/**
 * The Backstage token of the signed-in user, for API calls a test makes to set things up: read
 * from the Authorization header of the app's own first call to the backend in a second tab of the
 * same browser context (the session carries over), so the test's page stays where it is.
 */
export async function backstageToken(page: Page): Promise<string> {
  const backend = `http://localhost:${process.env.KAML_E2E_RIG_BACKEND_PORT}/api/`;
  const tab = await page.context().newPage();
  try {
    const request = tab.waitForRequest(
      r =>
        r.url().startsWith(backend) &&
        /^Bearer /.test(r.headers().authorization ?? ''),
    );
    await tab.goto('/catalog');
    const header = (await request).headers().authorization;
    return header.slice('Bearer '.length);
  } finally {
    await tab.close();
  }
}
