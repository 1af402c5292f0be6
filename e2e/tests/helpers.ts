import { expect, Page } from '@playwright/test';

/** Signs in through the sign-in page's guest provider and waits for the portal's sidebar. */
export async function signInAsGuest(page: Page, path = '/') {
  await page.goto(path);
  await expect(page.getByText('Guest', { exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(page.getByTestId('sidebar-root').getByRole('link', { name: 'Workbench', exact: true })).toBeVisible();
}
