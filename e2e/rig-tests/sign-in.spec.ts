import { expect, test } from '@playwright/test';
import { backstageToken, fillKeycloakLogin, signInAs } from './helpers.ts';

test('a directory user signs in through Keycloak and the portal knows who they are', async ({
  browser,
}) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInAs(page, 'alice', '/settings');
  // the identity resolved from the OIDC claims is the User entity the catalog ingested from the
  // directory (shown with its LDAP cn), and its ownership includes the user's LDAP group
  const userLink = page.getByRole('link', { name: 'Alice Moreau' }).first();
  await expect(userLink).toBeVisible();
  await expect(userLink).toHaveAttribute(
    'href',
    /\/catalog\/default\/user\/alice$/,
  );
  await expect(
    page.getByRole('link', { name: 'Data Science' }),
  ).toHaveAttribute('href', /\/catalog\/default\/group\/data-science$/);
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
  await fillKeycloakLogin(popup, 'bob', 'not-the-password');
  // Keycloak shows the login form again with its error under the fields
  await expect(popup.getByText('Invalid username or password.')).toBeVisible();
  await expect(popup.getByLabel('Username or email')).toBeVisible();
  await expect(page.getByTestId('sidebar-root')).toHaveCount(0);
  await context.close();
});

test('the signed-in user calls the KAML-D API with their own identity', async ({
  browser,
}) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInAs(page, 'bob');
  const token = await backstageToken(page);
  const backend = `http://localhost:${process.env.KAML_E2E_RIG_BACKEND_PORT}`;
  const ok = await page.request.get(`${backend}/api/kaml-d/health`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(ok.status()).toBe(200);
  // no token: the route refuses
  const anonymous = await page.request.get(`${backend}/api/kaml-d/health`);
  expect(anonymous.status()).toBe(401);
  const claims = JSON.parse(
    Buffer.from(token.split('.')[1], 'base64url').toString('utf8'),
  );
  expect(claims.sub).toBe('user:default/bob');
  // the auth backend's user info lists the ownership entities: bob's catalog group
  const info = await page.request.get(`${backend}/api/auth/v1/userinfo`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(info.status()).toBe(200);
  const { claims: userClaims } = (await info.json()) as {
    claims: { ent: string[] };
  };
  expect(userClaims.ent).toContain('group:default/data-engineering');
  await context.close();
});

test('a signed-in user stays signed in across a page reload', async ({
  browser,
}) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInAs(page, 'carol');
  await page.goto('/catalog');
  await expect(
    page
      .getByTestId('sidebar-root')
      .getByRole('link', { name: 'Workbench', exact: true }),
  ).toBeVisible();
  await expect(page.getByRole('button', { name: /sign in/i })).toHaveCount(0);
  await context.close();
});
