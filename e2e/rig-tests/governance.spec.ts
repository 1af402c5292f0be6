import {
  expect,
  test,
  type Browser,
  type BrowserContext,
  type Page,
} from '@playwright/test';
import { backstageToken, signInAs, type RigUser } from './helpers.ts';

/**
 * Identity and governance in full mode: two users signed in through the rig's OpenID provider see
 * different outcomes for preview, train and restore, and an access request goes round trip.
 *
 * Users and groups (catalog/org.yaml, roles from kamlD.permissions.roles):
 * - bob, data-engineering (data engineer): owns finance-transactions (pii columns card_holder,
 *   email) and traffic-counts; may restore; may not train.
 * - alice, data-science (data scientist): owns fraud-detector; may train; may not restore; may
 *   not preview a pii dataset she does not own.
 * - carol, ml-platform-sre (SRE): reads the audit log.
 */
const PII_DATASET = '/catalog/default/dataset/finance-transactions';
const PLAIN_DATASET = '/catalog/default/dataset/traffic-counts';
const MODEL = '/catalog/default/model/fraud-detector';

const PREVIEW_REASON =
  'Preview needs kaml-d.dataset.preview: this dataset is classified pii and you are not an owner';

// one worker runs the tests in file order (the round trip grants alice access last); a failure
// does not skip the others
// each test signs in two to four users through the OpenID provider: minutes on a busy machine
test.setTimeout(600_000);

const contexts: BrowserContext[] = [];

async function as(browser: Browser, user: RigUser, path: string) {
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  await signInAs(page, user, path);
  return page;
}

test.afterEach(async () => {
  await Promise.all(contexts.splice(0).map(c => c.close()));
});

/** The first rows of the dataset's Preview tab, as its owner or a user with a grant sees them. */
async function expectRows(page: Page) {
  await expect(page.getByText(/^First \d+ rows$/)).toBeVisible();
  await expect(
    page.getByRole('columnheader', { name: 'card_holder' }),
  ).toBeVisible();
  await expect(page.getByText(PREVIEW_REASON)).toHaveCount(0);
}

test('preview of a pii dataset: the owner sees rows, a non-owner reads why and may request access', async ({
  browser,
}) => {
  const bob = await as(browser, 'bob', `${PII_DATASET}/preview`);
  await expectRows(bob);

  const alice = await as(browser, 'alice', `${PII_DATASET}/preview`);
  await expect(alice.getByText(PREVIEW_REASON)).toBeVisible();
  await expect(
    alice.getByRole('button', { name: 'Request access' }),
  ).toBeEnabled();
  await expect(
    alice.getByRole('columnheader', { name: 'card_holder' }),
  ).toHaveCount(0);
});

test('train: a data scientist opens the Train template, a data engineer reads why not', async ({
  browser,
}) => {
  const alice = await as(browser, 'alice', MODEL);
  const train = alice.getByRole('button', { name: 'Train', exact: true });
  await expect(train).toBeEnabled();
  await train.click();
  await expect(alice).toHaveURL(
    /\/create\/templates\/default\/train-model\?formData=/,
  );
  await expect(alice.getByText('Train a model').first()).toBeVisible();

  const bob = await as(browser, 'bob', MODEL);
  await expect(
    bob.getByRole('button', { name: 'Train', exact: true }),
  ).toBeDisabled();
  await expect(
    bob.getByText(
      'Train needs kaml-d.model.train: you are not an owner of model:default/fraud-detector and none of your groups has a role that grants it',
    ),
  ).toBeVisible();
});

test('restore: the owner may restore a snapshot, a user without dataset.snapshot.restore may not', async ({
  browser,
}) => {
  const bob = await as(browser, 'bob', `${PLAIN_DATASET}/versions`);
  // a snapshot to restore: taken by the owner through the API (a snapshot never changes the data)
  const token = await backstageToken(bob);
  const message = `e2e governance ${Date.now().toString(36)}`;
  // straight to the backend: the app's development server answers only GET for /api
  const created = await bob.request.post(
    `http://localhost:${process.env.KAML_E2E_RIG_BACKEND_PORT}/api/kaml-d/datasets/default/traffic-counts/snapshots`,
    {
      headers: { Authorization: `Bearer ${token}` },
      data: { message },
    },
  );
  expect(created.status(), await created.text()).toBe(201);
  const { id } = (await created.json()) as { id: string };

  await bob.reload();
  await expect(bob.getByText(message)).toBeVisible();
  await expect(
    bob.getByRole('button', { name: `Restore ${id}` }),
  ).toBeEnabled();

  const alice = await as(browser, 'alice', `${PLAIN_DATASET}/versions`);
  await expect(alice.getByText(message)).toBeVisible();
  const restore = alice.getByRole('button', { name: `Restore ${id}` });
  await expect(restore).toBeDisabled();
  await expect(
    alice.locator(`[title*="kaml-d.dataset.snapshot.restore"]`).first(),
  ).toBeAttached();
});

test('access request round trip: request, approval by the owner, preview, audit', async ({
  browser,
}) => {
  const justification = `Fraud model features need the card holder columns (${Date.now().toString(
    36,
  )})`;

  // alice asks
  const alice = await as(browser, 'alice', `${PII_DATASET}/preview`);
  await alice.getByRole('button', { name: 'Request access' }).click();
  const dialog = alice.getByRole('dialog');
  await dialog.getByLabel('Justification').fill(justification);
  await dialog.getByLabel('Duration (days)').fill('1');
  await dialog.getByRole('button', { name: 'Send request' }).click();
  await expect(
    alice.getByText(/pending, waiting for group:default\/data-engineering/),
  ).toBeVisible();

  // bob, an owner, approves
  const bob = await as(browser, 'bob', '/kaml-d/access-requests');
  const toDecide = bob.getByRole('table', { name: 'To decide' });
  const row = toDecide.getByRole('row').filter({ hasText: justification });
  await expect(row).toContainText('Pending');
  await row.getByRole('button', { name: /^Approve / }).click();
  const decide = bob.getByRole('dialog');
  await decide
    .getByLabel('Comment for the requester')
    .fill('For the quarterly fraud review');
  await decide.getByRole('button', { name: 'Approve' }).click();
  await expect(
    bob.getByText(
      'Approved user:default/alice’s request for dataset:default/finance-transactions.',
    ),
  ).toBeVisible();
  await expect(row).toContainText('Approved');

  // alice now previews
  await alice.reload();
  await expectRows(alice);

  // alice sees the decision among her requests
  await alice.goto('/kaml-d/access-requests');
  const mine = alice.getByRole('table', { name: 'My requests' });
  await expect(
    mine.getByRole('row').filter({ hasText: justification }),
  ).toContainText('Approved');

  // carol (SRE) finds the approval in the audit log, linked from her sidebar
  const carol = await as(browser, 'carol', '/kaml-d');
  await carol
    .getByTestId('sidebar-root')
    .getByRole('link', { name: 'Audit log' })
    .click();
  await expect(carol).toHaveURL(/\/kaml-d\/audit/);
  await carol.getByLabel('Who').fill('user:default/bob');
  await carol.getByRole('button', { name: 'Apply filters' }).click();
  const approval = carol
    .getByRole('table', { name: 'Audit events' })
    .getByRole('row')
    .filter({ hasText: 'Access approved' })
    .filter({ hasText: 'Finance transactions' })
    .filter({ hasText: 'user:default/alice' });
  await expect(approval.first()).toBeVisible();

  // alice holds no kaml-d.audit.read: no sidebar link, and the page says which permission
  await alice.goto('/kaml-d/audit');
  await expect(
    alice.getByText(/You need kaml-d.audit.read to read the audit log/),
  ).toBeVisible();
  await expect(
    alice.getByTestId('sidebar-root').getByRole('link', { name: 'Audit log' }),
  ).toHaveCount(0);
});
