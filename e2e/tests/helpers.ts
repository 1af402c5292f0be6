import { expect, Page } from '@playwright/test';

/** Signs in through the sign-in page's guest provider and waits for the portal's sidebar. */
export async function signInAsGuest(page: Page, path = '/') {
  await page.goto(path);
  await expect(page.getByText('Guest', { exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(page.getByTestId('sidebar-root').getByRole('link', { name: 'Workbench', exact: true })).toBeVisible();
}

/**
 * Opens a path of the portal. A full page load normally restores the guest session; when it shows
 * the sign-in page instead (the silent refresh can lose a race on a busy machine), enter again.
 */
export async function openAsGuest(page: Page, path: string) {
  await page.goto(path);
  const enter = page.getByRole('button', { name: 'Enter' });
  const sidebar = page
    .getByTestId('sidebar-root')
    .getByRole('link', { name: 'Workbench', exact: true });
  await expect(enter.or(sidebar).first()).toBeVisible();
  if (await enter.isVisible()) await enter.click();
  await expect(sidebar).toBeVisible();
}
