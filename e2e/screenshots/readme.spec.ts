import { expect, test } from '@playwright/test';
import { resolve } from 'node:path';
import { signInAsGuest } from '../tests/helpers.ts';

const out = (name: string) => resolve(import.meta.dirname, '..', '..', 'docs', 'screenshots', `${name}.png`);

test('workbench', async ({ page }) => {
  await signInAsGuest(page);
  await expect(page.getByText('Platform status: all systems up')).toBeVisible();
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: out('workbench') });
});

test('dataset', async ({ page }) => {
  await signInAsGuest(page, '/catalog/default/dataset/finance-transactions');
  await expect(page.getByRole('table', { name: 'Declared columns' })).toBeVisible();
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: out('dataset'), fullPage: true });
});

test('model', async ({ page }) => {
  await signInAsGuest(page, '/catalog/default/model/fraud-detector');
  await expect(page.getByText('Model details')).toBeVisible();
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: out('model'), fullPage: true });
});

test('catalog', async ({ page }) => {
  await signInAsGuest(page, '/catalog?filters[kind]=dataset&filters[user]=all');
  await expect(page.getByRole('link', { name: 'Finance transactions' })).toBeVisible();
  await page.screenshot({ path: out('catalog') });
});
