import { expect, Page, test } from '@playwright/test';
import { resolve } from 'node:path';
import { backendUrl } from '../playwright.config.ts';
import { openAsGuest, signInAsGuest } from '../tests/helpers.ts';

const out = (name: string) =>
  resolve(
    import.meta.dirname,
    '..',
    '..',
    'docs',
    'screenshots',
    `${name}.png`,
  );

const DATASET = 'greenhouse-readings';
const MODEL = 'traffic-forecaster';

/** The guest's token, read from the portal's own calls to the KAML-D backend once signed in. */
async function signInForToken(page: Page): Promise<string> {
  const request = page.waitForRequest(
    r =>
      r.url().startsWith(`${backendUrl}/api/kaml-d/`) &&
      !!r.headers().authorization,
  );
  await signInAsGuest(page);
  return (await request).headers().authorization;
}

test('dataset and model versions', async ({ page }) => {
  test.setTimeout(300_000);
  const authorization = await signInForToken(page);
  const api = (path: string) => `${backendUrl}/api/kaml-d${path}`;
  const upload = async (file: string, csv: string) => {
    const response = await page.request.post(api('/datasets/upload'), {
      headers: { authorization },
      multipart: {
        name: DATASET,
        description: 'Readings of the greenhouse sensors',
        files: { name: file, mimeType: 'text/csv', buffer: Buffer.from(csv) },
      },
    });
    expect(response.status(), await response.text()).toBe(201);
  };
  const snapshot = async (message: string): Promise<string> => {
    const response = await page.request.post(
      api(`/datasets/default/${DATASET}/snapshots`),
      {
        headers: { authorization },
        data: { message },
      },
    );
    expect(response.status(), await response.text()).toBe(201);
    return (await response.json()).id;
  };
  const register = async (
    metrics: Record<string, number>,
    snapshotId: string,
    run: string,
  ): Promise<number> => {
    const response = await page.request.post(
      api(`/models/default/${MODEL}/versions`),
      {
        headers: { authorization },
        data: {
          artifactUri: `s3://models/${MODEL}/${run}/model.onnx`,
          metrics,
          trainedOn: [{ datasetRef: `dataset:default/${DATASET}`, snapshotId }],
          run: { namespace: 'ml-training', name: run, kind: 'Job' },
        },
      },
    );
    expect(response.status(), await response.text()).toBe(201);
    return (await response.json()).version;
  };

  await upload(
    'week-1.csv',
    ['sensor,temperature_c', 'north-1,21.5', 'south-2,23.25', ''].join('\n'),
  );
  // the catalog registers the uploaded dataset through discovery, within a minute
  await expect(async () => {
    const listed = await page.request.get(
      api(`/datasets/default/${DATASET}/snapshots`),
      { headers: { authorization } },
    );
    expect(listed.status()).toBe(200);
  }).toPass({ timeout: 120_000, intervals: [3_000] });
  const first = await snapshot('week 1 readings');
  await upload(
    'week-2.csv',
    [
      'sensor,temperature_c,humidity',
      'north-1,22.0,0.61',
      'west-3,19.75,0.58',
      '',
    ].join('\n'),
  );
  const second = await snapshot('week 2 adds humidity');
  await register(
    { mae: 4.1, rmse: 6.2, r2: 0.71 },
    first,
    'train-traffic-week-1',
  );
  const challenger = await register(
    { mae: 3.6, rmse: 5.4, r2: 0.78 },
    second,
    'train-traffic-week-2',
  );
  const champion = await register(
    { mae: 3.2, rmse: 4.9, r2: 0.82 },
    second,
    'train-traffic-week-2-tuned',
  );
  const promoted = await page.request.put(
    api(`/models/default/${MODEL}/aliases/champion`),
    {
      headers: { authorization },
      data: { version: champion },
    },
  );
  expect(promoted.ok(), await promoted.text()).toBe(true);
  const challengerAlias = await page.request.put(
    api(`/models/default/${MODEL}/aliases/challenger`),
    {
      headers: { authorization },
      data: { version: challenger },
    },
  );
  expect(challengerAlias.ok(), await challengerAlias.text()).toBe(true);

  await openAsGuest(page, `/catalog/default/dataset/${DATASET}/versions`);
  await expect(page.getByText('week 1 readings')).toBeVisible();
  await page.getByRole('checkbox', { name: `select ${first}` }).check();
  await page.getByRole('checkbox', { name: `select ${second}` }).check();
  await page.getByRole('button', { name: 'Compare the two selected' }).click();
  await expect(page.getByText(/^Rows: 2 → 4/)).toBeVisible();
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: out('dataset-versions'), fullPage: true });

  await openAsGuest(page, `/catalog/default/model/${MODEL}/versions`);
  await expect(
    page.getByRole('img', { name: /^mae by version/ }),
  ).toBeVisible();
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: out('model-versions'), fullPage: true });
});
