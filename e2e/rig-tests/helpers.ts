import { expect, type Page } from '@playwright/test';

/** The rig's OpenID provider's test users (the directory of e2e/rig/config/ldap/directory.ldif.in, federated by Keycloak), matching catalog users. */
export type RigUser = 'alice' | 'bob' | 'carol' | 'dave';

/**
 * Signs in through the sign-in page's "Single sign-on" provider: the popup goes to the rig's
 * OpenID provider (Keycloak), whose login form takes the directory user's name and the rig
 * password; the portal then shows its sidebar. Use one browser context per user
 * (`browser.newContext()`), since Keycloak keeps a session cookie.
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
  await fillKeycloakLogin(popup, user, password);
  await expect(
    page
      .getByTestId('sidebar-root')
      .getByRole('link', { name: 'Workbench', exact: true }),
  ).toBeVisible();
}

/**
 * Fills and submits Keycloak's login form (fields "Username or email" and "Password", button
 * "Sign In"; the password field's "Show password" button is labelled too, hence exact).
 */
export async function fillKeycloakLogin(
  popup: Page,
  user: string,
  password: string,
) {
  await popup.getByLabel('Username or email').fill(user);
  await popup.getByLabel('Password', { exact: true }).fill(password);
  await popup.getByRole('button', { name: 'Sign In', exact: true }).click();
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
