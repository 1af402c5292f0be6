import { expect, Page, test } from '@playwright/test';
import { backendUrl } from '../playwright.config.ts';
import { openAsGuest, signInAsGuest } from './helpers.ts';

// A dataset only this test writes, and the example model the version is registered on.
// unique per run, so the test also passes against a portal that ran it before
const DATASET = `e2e-versioned-${Date.now().toString(36)}`;
const MODEL = 'fraud-detector';
const FIRST_CSV = ['station,reading', 'a-1,10', 'b-2,20', 'c-3,30', ''].join(
  '\n',
);
// the change: a second file with one more column and two more rows
const SECOND_CSV = [
  'station,reading,quality',
  'd-4,40,good',
  'e-5,50,poor',
  '',
].join('\n');

/** Uploads files into the dataset through the Workbench's Upload dialog (a new file adds to it). */
async function upload(page: Page, fileName: string, csv: string) {
  await openAsGuest(page, '/');
  await page.getByRole('button', { name: 'Upload dataset' }).click();
  const dialog = page.getByRole('dialog', { name: 'Upload a dataset' });
  await dialog
    .getByLabel('Files')
    .setInputFiles({
      name: fileName,
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
  await dialog.getByRole('textbox', { name: 'Name' }).fill(DATASET);
  await dialog.getByRole('button', { name: 'Upload', exact: true }).click();
  // a second upload under the same name is asked about first; the test takes its own snapshots
  const addTo = dialog.getByRole('button', { name: `Add to ${DATASET}` });
  const uploaded = dialog.getByText(/Uploaded 1 file \(\d+ B\) to/);
  await expect(addTo.or(uploaded)).toBeVisible();
  const adding = await addTo.isVisible();
  if (adding) {
    await dialog
      .getByRole('checkbox', { name: `Take a snapshot of ${DATASET} first` })
      .uncheck();
    await addTo.click();
  }
  await expect(dialog.getByText(/Uploaded 1 file \(\d+ B\) to/)).toBeVisible();
  // a new dataset waits for the catalog; files added to a registered one do not
  if (!adding) await expect(dialog.getByText('It is in the catalog now.')).toBeVisible({
    timeout: 90_000,
  });
  await dialog.getByRole('button', { name: 'Close' }).click();
}

/** Takes a snapshot on the dataset's Versions tab and answers its id. */
async function takeSnapshot(page: Page, message: string): Promise<string> {
  await page.getByRole('textbox', { name: 'Snapshot message' }).fill(message);
  await page.getByRole('button', { name: 'Take snapshot' }).click();
  const notice = page.getByText(/^Snapshot snap-[a-z0-9-]+ taken\.$/);
  await expect(notice).toBeVisible();
  const id = (await notice.textContent())?.match(/snap-[a-z0-9-]+/)?.[0];
  expect(id).toBeTruthy();
  await expect(page.getByRole('cell', { name: message })).toBeVisible();
  return id!;
}

test('snapshot a dataset, change it, diff, register a model version on the first snapshot, restore it, and the version still points at it', async ({
  page,
}) => {
  test.setTimeout(420_000);
  await signInAsGuest(page);

  await test.step('upload the first version of the data', async () => {
    await upload(page, 'readings.csv', FIRST_CSV);
  });

  // the portal's own calls to the KAML-D backend carry the guest's token: reuse it for API setup
  const authorization = page
    .waitForRequest(
      r =>
        r.url().startsWith(`${backendUrl}/api/kaml-d/`) &&
        !!r.headers().authorization,
    )
    .then(r => r.headers().authorization);

  let first = '';
  await test.step('take a snapshot on the Versions tab', async () => {
    await openAsGuest(page, `/catalog/default/dataset/${DATASET}/versions`);
    await expect(page.getByText('No snapshots yet')).toBeVisible();
    first = await takeSnapshot(page, 'three stations');
    const row = page
      .getByRole('row')
      .filter({ has: page.getByRole('checkbox', { name: `select ${first}` }) });
    await expect(
      row.getByRole('cell', { name: 'content-addressed' }),
    ).toBeVisible();
  });

  await test.step('change the dataset: upload a second file with a new column', async () => {
    await upload(page, 'more-readings.csv', SECOND_CSV);
  });

  await test.step('the diff of the snapshot with the current state shows the change', async () => {
    await openAsGuest(
      page,
      `/catalog/default/dataset/${DATASET}/versions?snapshot=${first}`,
    );
    await expect(
      page.getByRole('checkbox', { name: `select ${first}` }),
    ).toBeChecked();
    await page.getByRole('button', { name: 'Compare with current' }).click();
    const diff = page.getByLabel('Snapshot diff');
    await expect(diff.getByText(`${first} → Current`)).toBeVisible();
    await expect(
      diff.getByText(/^1 added · 0 removed · \d+ changed · \d+ unchanged$/),
    ).toBeVisible();
    await expect(
      diff.getByRole('row', { name: /added.*more-readings\.csv/ }),
    ).toBeVisible();
    await expect(diff.getByText('Rows: 3 → 5 (+2)')).toBeVisible();
    await expect(diff.getByText(/^Schema: \+ quality /)).toBeVisible();
  });

  let second = '';
  await test.step('the Preview tab reads the dataset at the first snapshot', async () => {
    await openAsGuest(page, `/catalog/default/dataset/${DATASET}/versions`);
    second = await takeSnapshot(page, 'five stations');
    const row = page
      .getByRole('row')
      .filter({ has: page.getByRole('checkbox', { name: `select ${first}` }) });
    await row.getByRole('link', { name: `preview at ${first}` }).click();
    await expect(page).toHaveURL(new RegExp(`/preview\\?snapshot=${first}`));
    await expect(
      page.getByText(`First 3 rows at snapshot ${first}`),
    ).toBeVisible();
    await expect(page.getByRole('row', { name: /e-5/ })).toHaveCount(0);
  });

  let version = 0;
  await test.step('register a model version trained on the first snapshot (API)', async () => {
    const response = await page.request.post(
      `${backendUrl}/api/kaml-d/models/default/${MODEL}/versions`,
      {
        headers: {
          authorization: await authorization,
          'content-type': 'application/json',
        },
        data: {
          description: 'e2e: trained on three stations',
          artifactUri: `s3://models/${MODEL}/e2e/model.onnx`,
          metrics: { auc: 0.91, f1: 0.8 },
          trainedOn: [
            { datasetRef: `dataset:default/${DATASET}`, snapshotId: first },
          ],
          run: {
            namespace: 'ml-training',
            name: 'train-e2e-versioning',
            kind: 'Job',
          },
        },
      },
    );
    expect(response.status(), await response.text()).toBe(201);
    version = (await response.json()).version;
  });

  await test.step('restore the first snapshot after confirming; a safety snapshot is taken first', async () => {
    await openAsGuest(page, `/catalog/default/dataset/${DATASET}/versions`);
    const row = page
      .getByRole('row')
      .filter({ has: page.getByRole('checkbox', { name: `select ${first}` }) });
    await expect(
      row.getByRole('link', { name: `${MODEL} v${version}` }),
    ).toBeVisible();
    await row.getByRole('button', { name: `Restore ${first}` }).click();
    const dialog = page.getByRole('dialog');
    await expect(
      dialog.getByText(/a safety snapshot of the current state is taken/),
    ).toBeVisible();
    await dialog.getByRole('button', { name: 'Restore' }).click();
    await expect(
      page.getByText(
        new RegExp(
          `^Restored ${first}\\. The state before the restore was saved as snapshot snap-[a-z0-9-]+\\.$`,
        ),
      ),
    ).toBeVisible();
    await expect(
      page.getByText('safety snapshot before a restore'),
    ).toBeVisible();

    // the dataset is back to the first snapshot's files and three rows; the added file is gone.
    // (On the file store, restored files get a new content marker, so the diff may still list them
    // as changed with the same size.)
    await page.getByRole('checkbox', { name: `select ${first}` }).check();
    await page.getByRole('button', { name: 'Compare with current' }).click();
    const diff = page.getByLabel('Snapshot diff');
    await expect(
      diff.getByText(/^0 added · 0 removed · \d+ changed · \d+ unchanged$/),
    ).toBeVisible();
    await expect(diff.getByText('Rows: 3 → 3')).toBeVisible();
    await expect(diff.getByText('Schema unchanged')).toBeVisible();
    await expect(diff.getByText('more-readings.csv')).toHaveCount(0);
    expect(second).not.toBe(first);
  });

  await test.step('the model version still points at the first snapshot, and the link opens it', async () => {
    await openAsGuest(page, `/catalog/default/model/${MODEL}/versions`);
    const row = page
      .getByRole('row')
      .filter({
        has: page.getByRole('checkbox', { name: `select version ${version}` }),
      });
    await expect(row.getByText('e2e: trained on three stations')).toBeVisible();
    await expect(row.getByRole('cell', { name: '0.9100' })).toBeVisible();
    await expect(
      row.getByRole('link', { name: 'Job ml-training/train-e2e-versioning' }),
    ).toBeVisible();
    await expect(
      page.getByRole('img', { name: /^auc by version: latest auc / }),
    ).toBeVisible();
    const link = row.getByRole('link', { name: `${DATASET} @ ${first}` });
    await expect(link).toBeVisible();
    await link.click();
    await expect(page).toHaveURL(
      new RegExp(
        `/catalog/default/dataset/${DATASET}/versions\\?snapshot=${first}`,
      ),
    );
    await expect(
      page.getByRole('checkbox', { name: `select ${first}` }),
    ).toBeChecked();
  });
});
