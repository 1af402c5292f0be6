import { expect, test, type Page } from '@playwright/test';
import { fillKeycloakLogin, signInAs } from './helpers.ts';

/**
 * Notebooks in full mode (#22 §2): alice, a data scientist, opens the traffic-counts dataset in
 * a notebook from its page; KAML-D starts her server on the rig's JupyterHub and writes the
 * starter notebook, and a new tab goes to JupyterLab on it (through the hub's sign-in with the
 * same Keycloak). The Notebooks card of a model lists the server as ready; Stop (confirmed)
 * stops it, and the hub itself then lists no running server for her.
 */

const hubUrl = () => process.env.KAML_RIG_JUPYTERHUB_URL!;
const hubHeaders = () => ({
  Authorization: `token ${process.env.KAML_RIG_JUPYTERHUB_TOKEN}`,
});
const NOTEBOOK = 'kaml-d/traffic-counts.ipynb';

/** Alice's servers as the hub's REST API lists them (running ones only). */
async function hubServers(): Promise<Record<string, { ready: boolean }>> {
  const res = await fetch(`${hubUrl()}/hub/api/users/alice`, {
    headers: hubHeaders(),
  });
  if (res.status === 404) return {};
  expect(res.status).toBe(200);
  return ((await res.json()) as { servers: Record<string, { ready: boolean }> })
    .servers;
}

/** Stops alice's server through the hub (a run that failed half-way may have left one). */
async function stopThroughHub() {
  await fetch(`${hubUrl()}/hub/api/users/alice/server`, {
    method: 'DELETE',
    headers: hubHeaders(),
  });
  await expect
    .poll(async () => Object.keys(await hubServers()).length, {
      timeout: 120_000,
    })
    .toBe(0);
}

/** The hub's sign-in page, when the tab lands there: its button, then Keycloak (session or form). */
async function throughHubSignIn(tab: Page) {
  const lab = tab.locator('#jp-main-dock-panel');
  // JupyterHub's OAuth login page: an <a role="button"> "Sign in with <login service>"
  const hubLogin = tab.getByText(/Sign in with/);
  await expect(lab.or(hubLogin)).toBeVisible({ timeout: 120_000 });
  if (await lab.isVisible()) return;
  await hubLogin.click();
  const form = tab.getByLabel('Username or email');
  await expect(lab.or(form)).toBeVisible({ timeout: 120_000 });
  if (await form.isVisible()) {
    await fillKeycloakLogin(tab, 'alice', process.env.KAML_RIG_OIDC_PASSWORD!);
  }
}

test.beforeAll(async () => {
  await stopThroughHub();
});

test.afterAll(async () => {
  // the rig's 2 cores: leave no JupyterLab running
  await stopThroughHub();
});

test("alice opens a dataset in a notebook, sees her server on a model's Notebooks card and stops it", async ({
  browser,
}) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInAs(page, 'alice', '/catalog/default/dataset/traffic-counts');

  // "Open in notebook" on the dataset page: a new tab goes to JupyterLab on the starter notebook
  const button = page.getByRole('button', {
    name: 'Open traffic-counts in a notebook',
  });
  await expect(button).toBeVisible({ timeout: 60_000 });
  // every address the browser asks for: the new tab's first one is JupyterLab on the notebook,
  // which sends it on to the hub's sign-in
  const asked: string[] = [];
  context.on('request', r => asked.push(r.url()));
  const tabPromise = context.waitForEvent('page');
  await button.click();
  const tab = await tabPromise;
  // the tab is opened at once and sent to the notebook when the server is ready
  await expect(page.getByText(`${NOTEBOOK} is open in JupyterLab`)).toBeVisible(
    { timeout: 180_000 },
  );
  await expect
    .poll(() => asked, { timeout: 60_000 })
    .toContain(`${hubUrl()}/user/alice/lab/tree/${NOTEBOOK}`);

  // the notebook is in her server, and its first cell loads the dataset
  const contents = await fetch(
    `${hubUrl()}/user/alice/api/contents/${NOTEBOOK}?content=1`,
    { headers: hubHeaders() },
  );
  expect(contents.status).toBe(200);
  const model = (await contents.json()) as {
    type: string;
    content: { cells: Array<{ cell_type: string; source: string | string[] }> };
  };
  expect(model.type).toBe('notebook');
  const code = model.content.cells.find(c => c.cell_type === 'code')!;
  const source = Array.isArray(code.source)
    ? code.source.join('')
    : code.source;
  expect(source).toContain('read_parquet');
  expect(JSON.stringify(model.content)).toContain(
    'dataset:default/traffic-counts',
  );

  // JupyterLab itself, after the hub's sign-in through the same Keycloak, shows the notebook
  await throughHubSignIn(tab);
  await expect(
    tab.getByRole('tab', { name: /traffic-counts\.ipynb/ }).first(),
  ).toBeVisible({ timeout: 180_000 });
  await tab.close();

  // the Notebooks card of a model lists the server as ready
  await page.goto('/catalog/default/model/traffic-forecaster');
  const servers = page.getByRole('table', { name: 'Notebook servers' });
  const row = servers.getByRole('row').filter({ hasText: 'default' });
  await expect(row).toContainText('Ready', { timeout: 60_000 });
  await expect(
    page.getByText('Your JupyterHub servers (hub user alice)'),
  ).toBeVisible();
  await expect(
    row.getByRole('link', { name: /Open JupyterLab/ }),
  ).toHaveAttribute('href', `${hubUrl()}/user/alice/lab`);
  expect(Object.values(await hubServers()).map(s => s.ready)).toEqual([true]);

  // Stop, confirmed: the card shows it stopped and the hub runs nothing for her
  await row.getByRole('button', { name: 'Stop the default server' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Stop the default notebook server?');
  await dialog.getByRole('button', { name: 'Stop server' }).click();
  await expect(row).toContainText('Stopped', { timeout: 120_000 });
  await expect(
    row.getByRole('button', { name: 'Stop the default server' }),
  ).toHaveCount(0);
  await expect
    .poll(async () => Object.keys(await hubServers()), { timeout: 60_000 })
    .toEqual([]);
  await context.close();
});
