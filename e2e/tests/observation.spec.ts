import { expect, test } from '@playwright/test';
import { signInAsGuest } from './helpers.ts';

// The embedded portal has no Kubernetes cluster or Prometheus: the Health tab must say what to
// configure instead of failing.
test('the Health tab of a model explains what to configure when nothing is observed', async ({ page }) => {
  await signInAsGuest(page, '/catalog/default/model/fraud-detector');
  await page.getByRole('link', { name: 'Health', exact: true }).click();
  await expect(page).toHaveURL(/\/catalog\/default\/model\/fraud-detector\/health/);
  await expect(page.getByText('Health needs Kubernetes or Prometheus')).toBeVisible();
  await expect(page.getByText('kamlD.workloadCluster')).toBeVisible();
  await expect(page.getByText('kamlD.observation.prometheus')).toBeVisible();
});

test('the Health tab is on inference services too, and not on users', async ({ page }) => {
  await signInAsGuest(page, '/catalog/default/component/fraud-detector-service/health');
  await expect(page.getByText('Health needs Kubernetes or Prometheus')).toBeVisible();
  await page.goto('/catalog/default/user/guest');
  await expect(page.getByRole('link', { name: 'Overview', exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Health', exact: true })).toHaveCount(0);
});
