import { expect, test } from '@playwright/test';
import { signInAsGuest } from './helpers.ts';

test('a dataset shows its schema and the model trained on it; lineage leads to the serving component', async ({ page }) => {
  await signInAsGuest(page, '/catalog/default/dataset/finance-transactions');

  // the dataset page: details, declared schema with classification badges, and its models
  await expect(page.getByText('Dataset details')).toBeVisible();
  const schema = page.getByRole('table', { name: 'Declared columns' });
  await expect(schema).toBeVisible();
  await expect(schema.getByRole('row', { name: /card_holder/ }).getByText('PII')).toBeVisible();
  const usedBy = page.getByRole('table', { name: 'Models trained on this dataset' });
  await usedBy.getByRole('link', { name: 'Fraud detector' }).click();

  // the model page: what it was trained on and what serves it
  await expect(page).toHaveURL(/\/catalog\/default\/model\/fraud-detector/);
  await expect(page.getByText('Model details')).toBeVisible();
  const trainedOn = page.getByRole('table', { name: 'Datasets this model was trained on' });
  await expect(trainedOn.getByRole('link', { name: 'Finance transactions' })).toBeVisible();
  const servedBy = page.getByRole('table', { name: 'Inference service' });
  await servedBy.getByRole('link', { name: 'Fraud detector service' }).click();

  await expect(page).toHaveURL(/\/catalog\/default\/component\/fraud-detector-service/);
});

test('a dataset no model uses says so', async ({ page }) => {
  await signInAsGuest(page, '/catalog/default/dataset/customer-churn');
  await expect(page.getByText('No model is trained on this dataset yet')).toBeVisible();
});

test('a broken Dataset file shows its processing error, naming the field, while the rest works', async ({ page }) => {
  await signInAsGuest(page);
  await expect(page.getByText('Catalog problems (1)')).toBeVisible({ timeout: 60_000 });
  const row = page.getByRole('row', { name: /dataset:default\/invalid-dataset/ });
  await expect(row).toBeVisible();
  await expect(row.getByText(/\/spec\/format must be equal to one of the allowed values/)).toBeVisible();
  // the other datasets are unaffected
  await page.goto('/catalog/default/dataset/traffic-counts');
  await expect(page.getByText('Dataset details')).toBeVisible();
});
