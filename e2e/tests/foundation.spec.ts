import { expect, test } from '@playwright/test';
import { backendUrl } from '../playwright.config.ts';
import { signInAsGuest } from './helpers.ts';

test('a visitor signs in as guest and lands in the KAML-D portal', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'KAML-D', level: 1 })).toBeVisible();
  await expect(page.getByText('Enter as a Guest User.', { exact: false })).toBeVisible();
  await page.getByRole('button', { name: 'Enter' }).click();
  // the portal opens on the Workbench
  await expect(page.getByTestId('sidebar-root').getByRole('link', { name: 'Workbench', exact: true })).toBeVisible();
  await expect(page.getByText('Datasets and platform health')).toBeVisible();
});

test('the catalog lists the example entities', async ({ page }) => {
  await signInAsGuest(page, '/catalog');
  await expect(page.getByRole('link', { name: 'KAML-D portal' })).toBeVisible();
  // systems of the example organisation
  await page.goto('/catalog?filters[kind]=system');
  await expect(page.getByRole('link', { name: 'Fraud detection' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Smart city' })).toBeVisible();
  // the organisation's groups
  await page.goto('/catalog?filters[kind]=group');
  await expect(page.getByRole('link', { name: 'Data Science' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'ML Platform SRE' })).toBeVisible();
});

test('the Workbench page renders the platform status', async ({ page }) => {
  await signInAsGuest(page);
  await page.getByTestId('sidebar-root').getByRole('link', { name: 'Catalog', exact: true }).click();
  await page.getByTestId('sidebar-root').getByRole('link', { name: 'Workbench', exact: true }).click();
  await expect(page).toHaveURL(/:\d+\/$/);
  await expect(page.getByText('Platform status: all systems up')).toBeVisible();
  await expect(page.getByRole('cell', { name: 'database' })).toBeVisible();
});

test('an API call without a token is refused with 401', async ({ request }) => {
  const health = await request.get(`${backendUrl}/api/kaml-d/health`);
  expect(health.status()).toBe(401);
  const catalog = await request.get(`${backendUrl}/api/catalog/entities`);
  expect(catalog.status()).toBe(401);
});
