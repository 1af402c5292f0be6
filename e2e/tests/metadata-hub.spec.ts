import { expect, test } from '@playwright/test';
import { signInAsGuest } from './helpers.ts';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

// A small CSV with a column name that occurs nowhere else.
const DATASET = 'e2e-greenhouse-sensors';
const COLUMN = 'leaf_wetness_permille';
const CSV = [
  `sensor,${COLUMN},temperature_c`,
  'north-1,412,21.5',
  'south-2,655,23.25',
  'west-3,98,19.75',
  '',
].join('\n');

test('upload a CSV on the Workbench, see it registered, preview and profile it, query it with SQL, find it by a column name', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await signInAsGuest(page);

  await test.step('upload through the Upload dialog', async () => {
    await page.getByRole('button', { name: 'Upload dataset' }).click();
    const dialog = page.getByRole('dialog', { name: 'Upload a dataset' });
    await dialog.getByLabel('Files').setInputFiles({
      name: 'greenhouse.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(CSV),
    });
    await expect(dialog.getByText('greenhouse.csv')).toBeVisible();
    const name = dialog.getByRole('textbox', { name: 'Name' });
    await name.fill(DATASET);
    await dialog
      .getByRole('textbox', { name: 'Description' })
      .fill('Leaf wetness and temperature per greenhouse sensor');
    await dialog.getByRole('textbox', { name: 'Tags' }).fill('iot, e2e');
    await dialog.getByRole('button', { name: 'Upload', exact: true }).click();

    await expect(
      dialog.getByText(/Uploaded 1 file \(\d+ B\) to/),
    ).toBeVisible();
    await expect(
      dialog.getByRole('link', { name: `dataset:default/${DATASET}` }),
    ).toBeVisible();
  });

  await test.step('the catalog registers it (discovery) and the table lists it', async () => {
    const dialog = page.getByRole('dialog', { name: 'Upload a dataset' });
    await expect(dialog.getByText('It is in the catalog now.')).toBeVisible({
      timeout: 60_000,
    });
    await dialog.getByRole('button', { name: 'Close' }).click();
    const row = page.getByRole('row', { name: new RegExp(DATASET) });
    await expect(row).toBeVisible();
    await expect(
      row.getByText('Leaf wetness and temperature per greenhouse sensor'),
    ).toBeVisible();
    await expect(page.getByText(/^Storage: \d+ folders?, /)).toBeVisible();
  });

  await test.step('its Preview tab shows the first rows', async () => {
    await page
      .getByRole('row', { name: new RegExp(DATASET) })
      .getByRole('link')
      .first()
      .click();
    await expect(page).toHaveURL(
      new RegExp(`/catalog/default/dataset/${DATASET}`),
    );
    await page.getByRole('link', { name: 'Preview', exact: true }).click();
    await expect(page.getByText('First 3 rows')).toBeVisible();
    await expect(
      page.getByRole('row', { name: /south-2/ }).getByText('655'),
    ).toBeVisible();
    await expect(page.getByText(COLUMN)).toBeVisible();
  });

  await test.step('its Profile tab summarizes every column and draws a histogram with labelled axes', async () => {
    await page.getByRole('link', { name: 'Profile', exact: true }).click();
    const summary = page.getByRole('table', { name: 'Columns (3)' });
    await expect(summary).toBeVisible();
    // the engine's figures: mean and median of 21.5, 23.25 and 19.75
    const temperature = summary.getByRole('row', { name: /temperature_c/ });
    await expect(
      temperature.getByRole('cell', { name: 'DOUBLE', exact: true }),
    ).toBeVisible();
    await expect(
      temperature.getByRole('cell', { name: '21.5', exact: true }),
    ).toHaveCount(2);
    await summary.getByRole('button', { name: COLUMN }).click();
    await expect(page.getByText(`${COLUMN} (BIGINT)`)).toBeVisible();
    const histogram = page.getByRole('figure', {
      name: `Histogram of ${COLUMN}`,
    });
    await expect(histogram).toBeVisible();
    // recharts draws the axis labels in the SVG: the column below, Rows beside
    await expect(
      histogram.locator('svg .recharts-label', { hasText: 'Rows' }),
    ).toBeVisible();
    await expect(
      histogram.locator('svg .recharts-label', { hasText: COLUMN }),
    ).toBeVisible();
    await expect(
      histogram.locator('svg .recharts-bar-rectangle'),
    ).not.toHaveCount(0);
    await page.getByLabel('Search columns').fill('wetness');
    await expect(summary.getByRole('button', { name: COLUMN })).toBeVisible();
    await expect(summary.getByRole('button', { name: 'sensor' })).toHaveCount(
      0,
    );
  });

  await test.step('SQL mode runs a query over it and shows the result rows', async () => {
    await page.goto('/');
    await page.getByRole('button', { name: 'SQL mode' }).click();
    await page
      .getByRole('textbox', { name: 'SQL' })
      .fill(
        `SELECT sensor, ${COLUMN} FROM "${DATASET}" WHERE ${COLUMN} > 100 ORDER BY sensor`,
      );
    await page.getByRole('button', { name: 'Run' }).click();
    await expect(page.getByText('Query result: 2 rows')).toBeVisible();
    await expect(
      page.getByRole('row', { name: /north-1/ }).getByText('412'),
    ).toBeVisible();
    await expect(
      page.getByRole('row', { name: /south-2/ }).getByText('655'),
    ).toBeVisible();
    await expect(page.getByRole('row', { name: /west-3/ })).toHaveCount(0);
  });

  // The dataset collator re-indexes every 30 s in the embedded setup (app-config.yaml), so the
  // uploaded dataset becomes findable by its own column name within a minute.
  await test.step('the search box finds the uploaded dataset by one of its column names', async () => {
    await page.goto('/');
    const form = page.getByRole('search');
    await form
      .getByRole('textbox', { name: 'Search datasets and the catalog' })
      .fill(COLUMN);
    const results = page.getByRole('list', { name: 'Search results' });
    const hit = results.getByRole('listitem').filter({ hasText: COLUMN });
    await expect(async () => {
      await form.getByRole('button', { name: 'Search', exact: true }).click();
      await expect(hit.first()).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 120_000, intervals: [3_000] });
    await expect(
      hit.first().getByText('Dataset', { exact: true }),
    ).toBeVisible();
    // one hit per dataset (not its catalog document too), saying which column matched
    await expect(
      results.getByRole('listitem').filter({ hasText: DATASET }),
    ).toHaveCount(1);
    await expect(
      hit.first().getByText(`matched column ${COLUMN}`),
    ).toBeVisible();
    await hit.first().getByRole('link').first().click();
    await expect(page).toHaveURL(
      new RegExp(`/catalog/default/dataset/${DATASET}`),
    );
  });
});

// A JSON array file (no header, no declared columns) with a column name that occurs nowhere else.
const JSON_DATASET = 'e2e-weather-stations';
const JSON_COLUMN = 'anemometer_height_m';

test('a JSON array file copied into the store shows the columns DuckDB reads on its Overview, and search finds it by one', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const folder = join(
    process.env.KAML_E2E_DATA_DIR!,
    'storage',
    'kaml-datasets',
    JSON_DATASET,
  );
  await mkdir(folder, { recursive: true });
  const rows = Array.from({ length: 40 }, (_, i) => ({
    station_code: `ST-${i}`,
    opened_on: `2019-04-${String((i % 28) + 1).padStart(2, '0')}`,
    elevation_m: 400 + i * 1.5,
    [JSON_COLUMN]: 10 + (i % 3),
  }));
  // written beside the folder and moved in: the watcher sees one whole file
  const staged = join(folder, '..', `.${JSON_DATASET}.json`);
  await writeFile(staged, JSON.stringify(rows));
  await rename(staged, join(folder, 'stations.json'));
  await signInAsGuest(page);

  await test.step('discovery registers it and the Overview lists the columns read by DuckDB', async () => {
    const columns = page.getByRole('table', { name: 'Columns read by DuckDB' });
    await expect(async () => {
      await page.goto(`/catalog/default/dataset/${JSON_DATASET}`);
      await expect(columns).toBeVisible({ timeout: 3_000 });
    }).toPass({ timeout: 120_000, intervals: [2_000] });
    await expect(
      columns
        .getByRole('row', { name: new RegExp(JSON_COLUMN) })
        .getByText('BIGINT'),
    ).toBeVisible();
    await expect(
      columns.getByRole('row', { name: /opened_on/ }).getByText('DATE'),
    ).toBeVisible();
    await expect(page.getByText('No declared schema')).toHaveCount(0);
  });

  await test.step('the search box finds it by a column of the JSON file', async () => {
    await page.goto('/');
    const form = page.getByRole('search');
    await form
      .getByRole('textbox', { name: 'Search datasets and the catalog' })
      .fill(JSON_COLUMN);
    const hit = page
      .getByRole('list', { name: 'Search results' })
      .getByRole('listitem')
      .filter({ hasText: JSON_DATASET });
    await expect(async () => {
      await form.getByRole('button', { name: 'Search', exact: true }).click();
      await expect(hit.first()).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 120_000, intervals: [3_000] });
    await hit.first().getByRole('link').first().click();
    await expect(page).toHaveURL(
      new RegExp(`/catalog/default/dataset/${JSON_DATASET}`),
    );
  });
});
