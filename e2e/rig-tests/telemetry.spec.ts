import { expect, test, type Locator } from '@playwright/test';
import {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
} from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { signInAs } from './helpers.ts';

/**
 * Logs and traces in full mode (#22 §4), with app-config.rig.yaml's kamlD.observation.logs
 * (Kibana links, the rig's Elasticsearch for past logs) and traces (the rig's Jaeger). This run
 * adds a serving Deployment and a training Job of voice-classifier on the rig's Kubernetes (kwok
 * runs their pods) and sends a span of the model's service to Jaeger over OTLP. The Health tab
 * and the Runs tab then show Logs and Traces buttons whose URLs select exactly the pods the
 * cluster has (the names read back from the API server), and the Jaeger search of a Traces
 * link, asked of Jaeger's API with the link's own parameters, finds the span. (No Kibana runs on
 * the rig, and the rig's Jaeger binary is built without its UI assets, so the pages behind the
 * links are not opened; their queries are.)
 */

const MODEL = 'voice-classifier';
const MODELS_NS = 'kaml-d-models';
const TRAINING_NS = 'kaml-d-training';
const run = randomBytes(3).toString('hex');
const deployment = `${MODEL}-tel-${run}`;
const job = `${MODEL}-tel-train-${run}`;
const traceId = randomBytes(16).toString('hex');
const operation = `predict-e2e-${run}`;

function kube() {
  const kc = new KubeConfig();
  kc.loadFromFile(process.env.KAML_RIG_KUBECONFIG_ADMIN!);
  return {
    apps: kc.makeApiClient(AppsV1Api),
    batch: kc.makeApiClient(BatchV1Api),
    core: kc.makeApiClient(CoreV1Api),
  };
}

const onKwok = {
  nodeSelector: { 'kubernetes.io/hostname': 'kwok-cpu-0' },
  tolerations: [{ operator: 'Exists' }],
};

/** The names of the pods the API server has for a label selector, once there are any. */
async function podsOf(namespace: string, labelSelector: string) {
  let names: string[] = [];
  await expect
    .poll(
      async () => {
        const list = await kube().core.listNamespacedPod({
          namespace,
          labelSelector,
        });
        names = list.items.map(p => p.metadata!.name!);
        return names.length;
      },
      { timeout: 120_000 },
    )
    .toBeGreaterThan(0);
  return names;
}

/** The KQL inside a Kibana Discover link: `_a`'s rison `query:'…'` (`!` escapes `'` and `!`). */
function kqlOf(href: string): string {
  const hash = new URL(href).hash;
  const a = /[?&]_a=([^&]*)/.exec(hash)?.[1];
  expect(a, `no _a in ${href}`).toBeTruthy();
  const rison = decodeURIComponent(a!);
  const start = rison.indexOf("query:'") + "query:'".length;
  let out = '';
  for (let i = start; i < rison.length; i++) {
    const c = rison[i];
    if (c === '!') out += rison[++i];
    else if (c === "'") return out;
    else out += c;
  }
  throw new Error(`unterminated KQL in ${rison}`);
}

/** The hrefs of the Logs · Kibana and Traces · Jaeger buttons in a "Logs and traces of …" nav. */
async function linksIn(scope: Locator, subject: string) {
  const nav = scope.getByRole('navigation', {
    name: `Logs and traces of ${subject}`,
    exact: true,
  });
  await expect(nav).toBeVisible({ timeout: 60_000 });
  const logs = await nav
    .getByRole('link', { name: 'Logs · Kibana' })
    .getAttribute('href');
  const traces = await nav
    .getByRole('link', { name: 'Traces · Jaeger' })
    .getAttribute('href');
  return { logs: logs!, traces: traces! };
}

/** Jaeger's API asked with a Traces link's own service and window: the trace ids found. */
async function tracesFoundBy(link: string): Promise<string[]> {
  const search = new URL(link);
  const api = new URL('/api/traces', process.env.KAML_RIG_JAEGER_URL);
  for (const key of ['service', 'start', 'end', 'limit']) {
    api.searchParams.set(key, search.searchParams.get(key)!);
  }
  // the rig's in-memory Jaeger keeps other runs' spans of the service too: ask for enough
  api.searchParams.set('limit', '1000');
  const body = (await (await fetch(api)).json()) as {
    data: Array<{ traceID: string }> | null;
  };
  return (body.data ?? []).map(t => t.traceID);
}

test.beforeAll(async () => {
  const { apps, batch } = kube();
  const labels = {
    'app.kubernetes.io/name': MODEL,
    'kaml-d.io/model': MODEL,
    'kaml-d.io/e2e': deployment,
  };
  await apps.createNamespacedDeployment({
    namespace: MODELS_NS,
    body: {
      metadata: { name: deployment, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: { 'kaml-d.io/e2e': deployment } },
        template: {
          metadata: { labels },
          spec: {
            ...onKwok,
            containers: [
              { name: 'predictor', image: 'kaml-d/voice-classifier:7' },
            ],
          },
        },
      },
    },
  });
  const jobLabels = { 'kaml-d.io/model': MODEL, 'kaml-d.io/e2e': job };
  await batch.createNamespacedJob({
    namespace: TRAINING_NS,
    body: {
      metadata: { name: job, labels: jobLabels },
      spec: {
        backoffLimit: 0,
        template: {
          metadata: {
            labels: jobLabels,
            // kwok keeps the pod running for ten minutes (e2e/rig/kube/kwok.yaml)
            annotations: { 'kaml-d.io/sim-run-ms': '600000' },
          },
          spec: {
            ...onKwok,
            restartPolicy: 'Never',
            containers: [{ name: 'trainer', image: 'kaml-d/trainer:1' }],
          },
        },
      },
    },
  });
  // a span of the model's service (its kubernetes id: no kaml-d.io/trace-service annotation)
  const startNs = BigInt(Date.now()) * 1_000_000n;
  const sent = await fetch(
    `${process.env.KAML_RIG_JAEGER_OTLP_HTTP_URL}/v1/traces`,
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        resourceSpans: [
          {
            resource: {
              attributes: [
                { key: 'service.name', value: { stringValue: MODEL } },
              ],
            },
            scopeSpans: [
              {
                spans: [
                  {
                    traceId,
                    spanId: randomBytes(8).toString('hex'),
                    name: operation,
                    kind: 2,
                    startTimeUnixNano: String(startNs),
                    endTimeUnixNano: String(startNs + 5_000_000n),
                  },
                ],
              },
            ],
          },
        ],
      }),
    },
  );
  expect(sent.status).toBe(200);
});

test.afterAll(async () => {
  const { apps, batch } = kube();
  await apps
    .deleteNamespacedDeployment({ name: deployment, namespace: MODELS_NS })
    .catch(() => undefined);
  await batch
    .deleteNamespacedJob({
      name: job,
      namespace: TRAINING_NS,
      propagationPolicy: 'Background',
    })
    .catch(() => undefined);
});

test('the Health tab links the pods it found to Kibana and the model service to Jaeger, which has its span', async ({
  browser,
}) => {
  const [pod] = await podsOf(MODELS_NS, `kaml-d.io/e2e=${deployment}`);
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInAs(page, 'carol', `/catalog/default/model/${MODEL}/health`);
  const workloads = page.getByRole('table', { name: 'Workloads' });
  await expect(
    workloads.getByRole('cell', { name: pod, exact: true }),
  ).toBeVisible({ timeout: 120_000 });

  // the pod row: that pod exactly, in its namespace
  const podLinks = await linksIn(workloads, pod);
  expect(
    podLinks.logs.startsWith('http://127.0.0.1:25601/app/discover#/?'),
  ).toBe(true);
  expect(kqlOf(podLinks.logs)).toBe(
    `kubernetes.namespace:"${MODELS_NS}" and kubernetes.pod.name:"${pod}"`,
  );
  // the Deployment row: the pods named after it
  const deploymentLinks = await linksIn(workloads, deployment);
  expect(kqlOf(deploymentLinks.logs)).toBe(
    `kubernetes.namespace:"${MODELS_NS}" and kubernetes.pod.name:${deployment}-*`,
  );
  // the entity card: every pod found, this run's among them
  const entity = await linksIn(page.getByRole('main'), MODEL);
  expect(kqlOf(entity.logs)).toMatch(
    new RegExp(
      `^kubernetes\\.namespace:"${MODELS_NS}" and kubernetes\\.pod\\.name:(.* or )?"${pod}"`,
    ),
  );

  // Traces: Jaeger's search for the model's service over the chosen range (the last hour)
  const traces = new URL(podLinks.traces);
  expect(`${traces.origin}${traces.pathname}`).toBe(
    `${process.env.KAML_RIG_JAEGER_URL}/search`,
  );
  expect(traces.searchParams.get('service')).toBe(MODEL);
  const startUs = Number(traces.searchParams.get('start'));
  const endUs = Number(traces.searchParams.get('end'));
  expect(endUs - startUs).toBeGreaterThanOrEqual(59 * 60 * 1e6);
  expect(Math.abs(endUs / 1000 - Date.now())).toBeLessThan(10 * 60_000);
  await expect
    .poll(() => tracesFoundBy(podLinks.traces), { timeout: 60_000 })
    .toContain(traceId);
  await context.close();
});

test("the Runs tab links a training run's pods, the Deployments tab a serving Deployment's pods", async ({
  browser,
}) => {
  const [jobPod] = await podsOf(TRAINING_NS, `kaml-d.io/e2e=${job}`);
  const created = await kube().batch.readNamespacedJob({
    name: job,
    namespace: TRAINING_NS,
  });
  const jobCreated = new Date(
    created.status?.startTime ?? created.metadata!.creationTimestamp!,
  ).getTime();
  const context = await browser.newContext();
  const page = await context.newPage();
  const asked = Date.now();
  await signInAs(page, 'carol', `/catalog/default/model/${MODEL}/runs`);

  const runs = page.getByRole('table', { name: 'Training runs' });
  await expect(runs.getByRole('row').filter({ hasText: job })).toBeVisible({
    timeout: 120_000,
  });
  const runLinks = await linksIn(runs, job);
  expect(kqlOf(runLinks.logs)).toBe(
    `kubernetes.namespace:"${TRAINING_NS}" and kubernetes.pod.name:"${jobPod}"`,
  );
  // the run's window: from 5 minutes before it started to now (it is still running)
  const traces = new URL(runLinks.traces);
  expect(traces.searchParams.get('service')).toBe(MODEL);
  const startMs = Number(traces.searchParams.get('start')) / 1000;
  const endMs = Number(traces.searchParams.get('end')) / 1000;
  expect(startMs).toBeLessThan(jobCreated - 4 * 60_000);
  expect(startMs).toBeGreaterThan(jobCreated - 6 * 60_000);
  expect(endMs).toBeGreaterThanOrEqual(asked - 1000);
  await expect
    .poll(() => tracesFoundBy(runLinks.traces), { timeout: 60_000 })
    .toContain(traceId);

  // the Deployments tab beside it: the serving Deployment's pods, over the last hour
  await page.goto(`/catalog/default/model/${MODEL}/deployments`);
  const deployments = page.getByRole('table', { name: 'Deployments' });
  const deploymentLinks = await linksIn(deployments, deployment);
  expect(kqlOf(deploymentLinks.logs)).toBe(
    `kubernetes.namespace:"${MODELS_NS}" and kubernetes.pod.name:${deployment}-*`,
  );
  await context.close();
});
