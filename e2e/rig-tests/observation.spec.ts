import { expect, test } from '@playwright/test';
import { AppsV1Api, KubeConfig } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { signInAs } from './helpers.ts';

// The Observation Hub in the full mode: the portal reads the rig's Prometheus (fed by the fixture
// exporter, whose voice-classifier answers ~30 % of its requests with 5xx) and kube-apiserver
// (kwok nodes). Carol is in ml-platform-sre. Screenshots go to the README.

const out = (name: string) =>
  resolve(
    import.meta.dirname,
    '..',
    '..',
    'docs',
    'screenshots',
    `${name}.png`,
  );

const NAMESPACE = 'kaml-d-models';
// a Deployment of this run's own behind voice-classifier, on the GPU node, removed afterwards
const deployment = `voice-classifier-e2e-${randomBytes(3).toString('hex')}`;

function apps(): AppsV1Api {
  const kc = new KubeConfig();
  kc.loadFromFile(process.env.KAML_RIG_KUBECONFIG_ADMIN!);
  return kc.makeApiClient(AppsV1Api);
}

/** The error ratio Prometheus itself computes for voice-classifier over the last minutes. */
async function prometheusErrorRatios(): Promise<number[]> {
  const selector = `namespace="${NAMESPACE}",model="voice-classifier"`;
  const query = `sum(rate(kaml_inference_requests_total{${selector},code=~"5.."}[60s])) / sum(rate(kaml_inference_requests_total{${selector}}[60s]))`;
  const end = Math.floor(Date.now() / 1000);
  const res = await fetch(
    `${process.env.KAML_RIG_PROMETHEUS_URL}/api/v1/query_range`,
    {
      method: 'POST',
      body: new URLSearchParams({
        query,
        start: String(end - 240),
        end: String(end),
        step: '5',
      }),
    },
  );
  const body = (await res.json()) as {
    data: { result: Array<{ values: Array<[number, string]> }> };
  };
  // 0/0 (no request in a window) is NaN: not a ratio
  return (body.data.result[0]?.values ?? [])
    .map(([, v]) => Number(v) * 100)
    .filter(Number.isFinite);
}

test.beforeAll(async () => {
  const labels = { 'app.kubernetes.io/name': 'voice-classifier' };
  await apps().createNamespacedDeployment({
    namespace: NAMESPACE,
    body: {
      metadata: { name: deployment, labels },
      spec: {
        replicas: 1,
        selector: {
          matchLabels: { ...labels, 'kaml-d.io/e2e': deployment },
        },
        template: {
          metadata: { labels: { ...labels, 'kaml-d.io/e2e': deployment } },
          spec: {
            nodeSelector: { 'kubernetes.io/hostname': 'kwok-gpu-0' },
            tolerations: [{ operator: 'Exists' }],
            containers: [
              {
                name: 'predictor',
                image: 'kaml-d/voice-classifier:7',
                resources: { limits: { 'nvidia.com/gpu': '1' } },
              },
            ],
          },
        },
      },
    },
  });
});

test.afterAll(async () => {
  await apps()
    .deleteNamespacedDeployment({ name: deployment, namespace: NAMESPACE })
    .catch(() => undefined);
});

test("the Health tab of voice-classifier shows it red with its critical alert, the exporter's numbers and its workloads", async ({
  browser,
}) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInAs(
    page,
    'carol',
    '/catalog/default/model/voice-classifier/health',
  );

  // red headline naming the critical alert and its summary
  const headline = page.getByRole('status', { name: 'Health: Unhealthy' });
  await expect(headline).toBeVisible();
  await expect(headline).toContainText(
    /KamlModelHighErrorRate \(critical\): Model voice-classifier answers [\d.]+% of its requests with 5xx/,
  );
  const chip = headline.locator('[data-status="unhealthy"]');
  await expect(chip).toHaveText('Unhealthy');
  const [r, g, b] = (
    await chip.evaluate(el => getComputedStyle(el).backgroundColor)
  )
    .match(/\d+/g)!
    .map(Number);
  expect(r).toBeGreaterThan(150);
  expect(r).toBeGreaterThan(2 * Math.max(g, b));

  // the alert rows
  const alerts = page.getByRole('table', { name: 'Firing alerts' });
  const critical = alerts
    .getByRole('row')
    .filter({ hasText: 'KamlModelHighErrorRate' });
  await expect(critical).toContainText('critical');
  await expect(
    alerts.getByRole('row').filter({ hasText: 'KamlModelHighLatency' }),
  ).toContainText('warning');

  // the error-ratio chart's latest value is what Prometheus computes from the exporter's counters
  const chart = page.getByRole('img', { name: /^Error ratio \(5xx\): latest/ });
  await expect(chart).toBeVisible();
  const label = (await chart.getAttribute('aria-label')) ?? '';
  const shown = Number(/([\d.]+) %$/.exec(label)?.[1]);
  const ratios = await prometheusErrorRatios();
  expect(ratios.length).toBeGreaterThan(0);
  expect(shown).toBeGreaterThanOrEqual(Math.min(...ratios) - 1);
  expect(shown).toBeLessThanOrEqual(Math.max(...ratios) + 1);
  expect(shown).toBeGreaterThan(15);
  expect(shown).toBeLessThan(50);
  await expect(
    page.getByRole('img', { name: /^GPU utilisation: latest .*\d+ %/ }),
  ).toBeVisible();

  // the Kubernetes part: this run's Deployment behind the model
  await expect(
    page
      .getByRole('table', { name: 'Workloads' })
      .getByRole('cell', { name: deployment, exact: true }),
  ).toBeVisible();

  // the time-range picker asks again
  await page.getByRole('button', { name: /Last hour/ }).click();
  await page.getByRole('option', { name: 'Last 6 hours' }).click();
  await expect(
    page.getByRole('button', { name: /Last 6 hours/ }),
  ).toBeVisible();
  await expect(headline).toBeVisible();

  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: out('health-tab'), fullPage: true });
  await context.close();
});

test('the SRE page lists the GPU node and the firing alert linked to its model', async ({
  browser,
}) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInAs(page, 'carol', '/kaml-d-sre');
  await expect(
    // the page header's title (the app may briefly hold a second h1 of that name while routing)
    page.getByRole('main').getByRole('heading', { name: 'Platform health' }),
  ).toBeVisible();

  const nodes = page.getByRole('table', { name: 'Cluster nodes' });
  const gpuNode = nodes.getByRole('row').filter({ hasText: 'kwok-gpu-0' });
  await expect(gpuNode).toContainText('Ready');
  // nvidia.com/gpu 2 allocatable, and the DCGM utilisation the exporter reports for the host
  await expect(gpuNode).toContainText(/\d of 2/);
  await expect(gpuNode).toContainText(/\d+ %/);
  await expect(
    nodes.getByRole('row').filter({ hasText: 'kwok-cpu-0' }),
  ).toContainText('no GPU');

  const alert = page
    .getByRole('table', { name: 'Firing alerts' })
    .getByRole('row')
    .filter({ hasText: 'KamlModelHighErrorRate' });
  await expect(alert).toContainText('critical');
  const link = alert.locator(
    'a[href$="/catalog/default/model/voice-classifier"]',
  );
  await expect(link).toBeVisible();

  // storage capacity is measured on the rig MinIO: wait for its figures (or what went wrong)
  await expect(
    page
      .getByRole('table', { name: 'Storage capacity' })
      .or(page.getByText(/Storage summary unavailable/)),
  ).toBeVisible({ timeout: 90_000 });
  await page.waitForLoadState('networkidle');
  // the page scrolls inside its content area: a viewport tall enough to show every card
  await page.setViewportSize({ width: 1280, height: 1500 });
  await page.screenshot({ path: out('sre-page') });

  // the row leads to the model
  await link.click();
  await expect(page).toHaveURL(/\/catalog\/default\/model\/voice-classifier/);
  await context.close();
});
