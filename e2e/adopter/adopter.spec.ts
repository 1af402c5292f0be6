import { expect, Page, test } from '@playwright/test';

// KAML-D in a fresh create-app app (scripts/adopter/run.sh): what an adopter checks first.
const backendUrl = process.env.ADOPTER_BACKEND_URL!;
const DATASET = 'adopter-weather';

/** Opens a path, entering as guest when the app shows its sign-in page. */
async function open(page: Page, path: string) {
  await page.goto(path);
  const enter = page.getByRole('button', { name: 'Enter' });
  const signedIn = page.getByRole('navigation').first();
  await expect(enter.or(signedIn).first()).toBeVisible();
  if (await enter.isVisible()) await enter.click();
}

test('the backend refuses KAML-D routes without a token', async ({
  request,
}) => {
  for (const path of [
    `/api/kaml-d/datasets/default/${DATASET}/preview`,
    '/api/kaml-d/storage/summary',
    '/api/kaml-d/query',
  ]) {
    const response = path.endsWith('query')
      ? await request.post(`${backendUrl}${path}`, {
          data: { sql: 'SELECT 1' },
        })
      : await request.get(`${backendUrl}${path}`);
    expect({ path, status: response.status() }).toEqual({ path, status: 401 });
  }
});

test('a CSV in the store becomes a Dataset with Schema and Preview tabs', async ({
  page,
  request,
}) => {
  // discovery runs a few seconds after start: wait until the catalog has the entity
  const session = await request.get(`${backendUrl}/api/auth/guest/refresh`);
  expect(session.status()).toBe(200);
  const token = (await session.json()).backstageIdentity.token as string;
  await expect
    .poll(
      async () =>
        (
          await request.get(
            `${backendUrl}/api/catalog/entities/by-name/dataset/default/${DATASET}`,
            { headers: { authorization: `Bearer ${token}` } },
          )
        ).status(),
      { timeout: 300_000, intervals: [2_000] },
    )
    .toBe(200);
  await open(page, `/catalog/default/dataset/${DATASET}`);
  await expect(
    page.getByRole('heading', { name: DATASET }).first(),
  ).toBeVisible();
  await page
    .getByRole('tab', { name: 'Schema' })
    .or(page.getByRole('link', { name: 'Schema', exact: true }))
    .first()
    .click();
  await expect(page.getByText('temperature_c').first()).toBeVisible();
  await page
    .getByRole('tab', { name: 'Preview' })
    .or(page.getByRole('link', { name: 'Preview', exact: true }))
    .first()
    .click();
  await expect(page.getByText('First 3 rows')).toBeVisible();
  await expect(
    page.getByRole('row', { name: /bergen/ }).getByText('4.25'),
  ).toBeVisible();
});

test('the Workbench lists the dataset', async ({ page }) => {
  await open(page, '/kaml-d');
  await expect(
    page.getByText('Datasets and platform health'),
  ).toBeVisible();
  await expect(
    page.getByRole('row', { name: new RegExp(DATASET) }),
  ).toBeVisible();
});

test("KAML-D's template is listed among the templates", async ({ page }) => {
  await open(page, '/create');
  await expect(
    page.getByText('Train a model', { exact: false }).first(),
  ).toBeVisible();
});
