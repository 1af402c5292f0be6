import { expect, test, type Locator, type Page } from '@playwright/test';
import { backstageToken, signInAs } from './helpers.ts';
import { rigBackendUrl } from '../playwright.rig.config.ts';

/**
 * "Train a model" end to end in full mode: alice (a data scientist) fills the template form in
 * the portal, the scaffolder launches a training Job on the rig's Kubernetes (kwok runs its pod
 * to Succeeded), and the run shows as Succeeded on the model's Runs tab, reached through the
 * link the template outputs. Finance transactions holds PII and belongs to data-engineering, so
 * alice may train on it only with an approved grant of kaml-d.dataset.query (the training action
 * checks it): she asks for one and bob, an owner, approves it, as they would in the portal.
 */

/**
 * Waits until the backend answers its readiness check: the portal runs in watch mode, so a
 * change to a backend file restarts it and the form's catalog calls would fail meanwhile.
 */
async function backendReady(page: Page) {
  await expect
    .poll(
      async () =>
        (
          await page.request
            .get(`${rigBackendUrl}/.backstage/health/v1/readiness`)
            .catch(() => undefined)
        )?.status(),
      { timeout: 120_000, intervals: [1_000] },
    )
    .toBe(200);
}

/** Picks an option of a combobox (entity pickers, selects) by typing and choosing. */
async function choose(
  page: Page,
  field: Locator,
  type: string,
  option: RegExp,
) {
  await field.click();
  if (type) await field.fill(type);
  await page.getByRole('option', { name: option }).first().click();
}

/** alice asks for kaml-d.dataset.query on the dataset; bob (an owner) approves. */
async function grantQuery(
  browser: import('@playwright/test').Browser,
  alice: Page,
  entityRef: string,
) {
  const aliceToken = await backstageToken(alice);
  const asked = await alice.request.post(
    `${rigBackendUrl}/api/kaml-d/access-requests`,
    {
      headers: { Authorization: `Bearer ${aliceToken}` },
      data: {
        entityRef,
        permissions: ['kaml-d.dataset.query'],
        justification: 'Training the fraud detector on the card transactions',
        durationDays: 1,
      },
    },
  );
  // a rig kept from an earlier run may hold the grant already: nothing to ask for then
  if (asked.status() === 400 && /already have/.test(await asked.text())) return;
  expect(asked.status()).toBe(201);
  const { id } = (await asked.json()) as { id: string };
  const bobContext = await browser.newContext();
  const bob = await bobContext.newPage();
  await signInAs(bob, 'bob');
  const decided = await bob.request.post(
    `${rigBackendUrl}/api/kaml-d/access-requests/${encodeURIComponent(
      id,
    )}/decision`,
    {
      headers: { Authorization: `Bearer ${await backstageToken(bob)}` },
      data: { decision: 'approve', comment: 'For the fraud model' },
    },
  );
  expect(decided.status()).toBe(200);
  await bobContext.close();
}

test('alice trains the fraud detector from the "Train a model" form and sees the run succeed', async ({
  browser,
}) => {
  test.setTimeout(300_000);
  const context = await browser.newContext();
  const page = await context.newPage();
  // a reload after sign-in shows the sign-in page again, so sign in on the form's own page
  await backendReady(page);
  await signInAs(page, 'alice', '/create/templates/default/train-model');
  await grantQuery(browser, page, 'dataset:default/finance-transactions');
  await expect(
    page.getByRole('heading', { name: /Train a model/ }).first(),
  ).toBeVisible();

  // page 1: the model and its data, from the catalog
  await choose(
    page,
    page.getByRole('textbox', { name: /^Model\s*\*?$/ }),
    'Fraud',
    /Fraud detector/,
  );
  await choose(
    page,
    page.getByRole('textbox', { name: /^Dataset\s*\*?$/ }),
    'Finance',
    /Finance transactions/,
  );
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Next' }).click();

  // page 2: the trainer, one GPU and resources within the form's bounds
  await page
    .getByLabel(/^Container image\s*\*?$/)
    .fill('registry.example/kaml-d/fraud-trainer:1.0');
  const gpus = page.getByLabel(/^GPUs\s*\*?$/);
  await gpus.fill('9');
  await page.getByRole('button', { name: 'Review' }).click();
  // 9 GPUs is above the form's maximum: the browser refuses the field and the form stays put
  await expect
    .poll(() => gpus.evaluate(el => (el as HTMLInputElement).validationMessage))
    .toMatch(/8/);
  await expect(page.getByRole('button', { name: 'Review' })).toBeVisible();
  await gpus.fill('1');
  await choose(page, page.getByLabel(/^CPU \(cores\)\s*\*?$/), '', /^4$/);
  await choose(page, page.getByLabel(/^Memory\s*\*?$/), '', /^16 GiB$/);
  await page.getByRole('button', { name: 'Review' }).click();

  // review, then create
  await expect(
    page.getByText('registry.example/kaml-d/fraud-trainer:1.0'),
  ).toBeVisible();
  await backendReady(page);
  await page.getByRole('button', { name: 'Create' }).click();

  // the task runs: launch, then wait until kwok has run the pod to Succeeded
  const runsLink = page.getByRole('link', { name: 'Runs of the model' });
  await expect(runsLink).toBeVisible({ timeout: 240_000 });
  const summary = page.getByText(
    /Job .* in namespace .*: Succeeded in \d+ s\./,
  );
  await expect(summary).toBeVisible();
  const jobName = /Job\s+(\S+)\s+in namespace/.exec(
    (await summary.textContent()) ?? '',
  )?.[1];
  expect(jobName).toMatch(/^train-fraud-detector-/);

  // the link leads to the model's Runs tab, where the run is listed as Succeeded with its GPU
  await runsLink.click();
  await expect(page).toHaveURL(
    /\/catalog\/default\/model\/fraud-detector\/runs$/,
  );
  const row = page.getByRole('row', { name: new RegExp(jobName!) });
  await expect(row).toBeVisible();
  await expect(row.getByText('Succeeded')).toBeVisible();
  await context.close();
});
