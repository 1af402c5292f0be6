import { expect, test } from '@playwright/test';
import { openAsGuest, signInAsGuest } from './helpers.ts';

// An upload's name that no demo dataset has, uploaded twice: the second time is asked about.
const DATASET = 'e2e-orchard-moisture';
const CSV = 'plot,moisture_pct\na-1,31.5\nb-2,28.0\n';

test('the Workbench keeps its promises: SRE page in the sidebar, Detect format, an existing name asked about', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await signInAsGuest(page);
  const sidebar = page.getByTestId('sidebar-root');

  await test.step('the heading says what the page holds, the sidebar has the SRE page', async () => {
    await expect(
      page.getByRole('heading', { name: 'Datasets and platform health' }),
    ).toBeVisible();
    await sidebar.getByRole('link', { name: 'Platform health' }).click();
    await expect(page).toHaveURL(/\/kaml-d-sre/);
    await page.goto('/');
  });

  const dialog = page.getByRole('dialog', { name: 'Upload a dataset' });
  const choose = async () => {
    await page.getByRole('button', { name: 'Upload dataset' }).click();
    await dialog.getByLabel('Files').setInputFiles({
      name: 'moisture.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(CSV),
    });
    await dialog.getByRole('textbox', { name: 'Name' }).fill(DATASET);
  };

  await test.step('Format shows Detect; closing while the catalog registers still refreshes the table', async () => {
    await choose();
    await expect(dialog.getByRole('button', { name: /Format/ })).toHaveText(
      /Detect/,
    );
    await dialog.getByRole('button', { name: 'Upload', exact: true }).click();
    await expect(dialog.getByText(/New dataset:/)).toBeVisible();
    await dialog.getByRole('button', { name: 'Close' }).click();
    // no reload: the Workbench keeps waiting for the catalog and refreshes the table
    await expect(
      page.getByRole('row', { name: new RegExp(DATASET) }),
    ).toBeVisible({ timeout: 120_000 });
  });

  await test.step('the same name again is asked about first, with a snapshot option', async () => {
    await choose();
    await dialog.getByRole('button', { name: 'Upload', exact: true }).click();
    await expect(
      dialog.getByText(`A dataset named ${DATASET} exists.`, { exact: false }),
    ).toBeVisible();
    await expect(
      dialog.getByRole('checkbox', {
        name: `Take a snapshot of ${DATASET} first`,
      }),
    ).toBeChecked();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });
});

test('View graph opens two hops both ways with edges in words', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await openAsGuest(page, '/catalog/default/model/fraud-detector');
  const link = page.getByRole('link', { name: 'View graph' });
  await expect(link).toBeVisible({ timeout: 60_000 });
  const href = decodeURIComponent((await link.getAttribute('href')) ?? '');
  expect(href).toContain('maxDepth=2');
  expect(href).toContain('unidirectional=false');
  await link.click();
  await expect(page).toHaveURL(/\/catalog-graph/);
  await expect(
    page.getByText(/trained on|training data of/).first(),
  ).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText('trainedOn', { exact: true })).toHaveCount(0);
});
