// The rig's Kubernetes control plane through @kubernetes/client-node, the client the portal uses:
// Jobs run to completion on the simulated nodes (a GPU request lands on kwok-gpu-0), a Deployment
// becomes ready, and the portal's ServiceAccount can do exactly what kube/rbac.yaml grants.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ApiException,
  AppsV1Api,
  AuthenticationV1Api,
  AuthorizationV1Api,
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
  type V1Job,
  type V1Pod,
  type V1ResourceRequirements,
} from '@kubernetes/client-node';
import { eventually, requireEnv } from './env.ts';

const TRAINING = 'kaml-d-training';
const MODELS = 'kaml-d-models';
const suffix = `${process.pid.toString(36)}-${Date.now().toString(36)}`;

function kubeConfig(file: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  return kc;
}

const admin = kubeConfig(requireEnv('KAML_RIG_KUBECONFIG_ADMIN'));
const portal = kubeConfig(requireEnv('KAML_RIG_KUBECONFIG_PORTAL'));
const core = admin.makeApiClient(CoreV1Api);
const batch = admin.makeApiClient(BatchV1Api);
const apps = admin.makeApiClient(AppsV1Api);

/** Cleanups registered by tests, run at the end even when a test failed. */
const cleanups: Array<() => Promise<unknown>> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

function statusOf(e: unknown): number | undefined {
  return e instanceof ApiException ? e.code : undefined;
}

function trainingJob(name: string, gpus: number): V1Job {
  const resources: V1ResourceRequirements = gpus
    ? { requests: { cpu: '1', memory: '1Gi', 'nvidia.com/gpu': String(gpus) }, limits: { 'nvidia.com/gpu': String(gpus) } }
    : { requests: { cpu: '500m', memory: '256Mi' } };
  return {
    metadata: { name, labels: { 'app.kubernetes.io/part-of': 'kaml-d', 'kaml-d.io/test': 'rig' } },
    spec: {
      backoffLimit: 0,
      template: {
        metadata: { labels: { 'kaml-d.io/test': 'rig', 'job-name': name }, annotations: { 'kaml-d.io/sim-run-ms': '1000' } },
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: 'train', image: 'kaml-d/trainer:rig', args: ['--epochs', '5'], resources }],
        },
      },
    },
  };
}

async function podsOf(namespace: string, selector: string): Promise<V1Pod[]> {
  return (await core.listNamespacedPod({ namespace, labelSelector: selector })).items;
}

async function runJobToCompletion(name: string, gpus: number): Promise<V1Pod> {
  await batch.createNamespacedJob({ namespace: TRAINING, body: trainingJob(name, gpus) });
  cleanups.push(() => batch.deleteNamespacedJob({ name, namespace: TRAINING, propagationPolicy: 'Background' }));
  const pod = await eventually(
    `a Succeeded pod of Job ${name}`,
    async () => (await podsOf(TRAINING, `job-name=${name}`)).find(p => p.status?.phase === 'Succeeded'),
    90_000,
    500,
  );
  const job = await eventually(
    `Job ${name} Complete`,
    async () => {
      const j = await batch.readNamespacedJob({ name, namespace: TRAINING });
      return j.status?.conditions?.some(c => c.type === 'Complete' && c.status === 'True') ? j : undefined;
    },
    60_000,
    500,
  );
  assert.equal(job.status?.succeeded, 1);
  return pod;
}

describe('kube: cluster and simulated nodes', () => {
  test('two kwok nodes are Ready; kwok-gpu-0 advertises 2 nvidia.com/gpu', async () => {
    const nodes = (await core.listNode()).items;
    const byName = new Map(nodes.map(n => [n.metadata?.name, n]));
    for (const name of ['kwok-cpu-0', 'kwok-gpu-0']) {
      const n = byName.get(name);
      assert.ok(n, `node ${name} exists`);
      const ready = n.status?.conditions?.find(c => c.type === 'Ready');
      assert.equal(ready?.status, 'True', `${name} is Ready`);
    }
    const gpu = byName.get('kwok-gpu-0')!;
    assert.equal(gpu.status?.capacity?.['nvidia.com/gpu'], '2');
    assert.equal(gpu.status?.allocatable?.['nvidia.com/gpu'], '2');
    assert.equal(gpu.metadata?.labels?.['nvidia.com/gpu.present'], 'true');
    assert.equal(byName.get('kwok-cpu-0')!.status?.capacity?.['nvidia.com/gpu'], undefined);
  });
});

describe('kube: workloads', () => {
  test('a CPU training Job: its pod is scheduled, runs, reaches Succeeded; the Job completes', async () => {
    const pod = await runJobToCompletion(`rig-train-cpu-${suffix}`, 0);
    assert.match(pod.spec?.nodeName ?? '', /^kwok-(cpu|gpu)-0$/);
    assert.equal(pod.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 0);
  });

  test('a GPU training Job lands on kwok-gpu-0 and completes', async () => {
    const pod = await runJobToCompletion(`rig-train-gpu-${suffix}`, 1);
    assert.equal(pod.spec?.nodeName, 'kwok-gpu-0');
  });

  test('a pod asking for more GPUs than any node has stays Pending (Unschedulable)', async () => {
    const name = `rig-train-toobig-${suffix}`;
    await batch.createNamespacedJob({ namespace: TRAINING, body: trainingJob(name, 3) });
    cleanups.push(() => batch.deleteNamespacedJob({ name, namespace: TRAINING, propagationPolicy: 'Background' }));
    const pod = await eventually(
      `an Unschedulable pod of Job ${name}`,
      async () =>
        (await podsOf(TRAINING, `job-name=${name}`)).find(p =>
          p.status?.conditions?.some(c => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable'),
        ),
      60_000,
      500,
    );
    assert.equal(pod.status?.phase, 'Pending');
    assert.equal(pod.spec?.nodeName, undefined);
  });

  test('a model Deployment with a Service becomes ready (2/2)', async () => {
    const name = `rig-model-${suffix}`;
    const labels = { app: name, 'kaml-d.io/test': 'rig' };
    await apps.createNamespacedDeployment({
      namespace: MODELS,
      body: {
        metadata: { name, labels },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: name } },
          template: {
            metadata: { labels },
            spec: {
              containers: [
                {
                  name: 'serve',
                  image: 'kaml-d/model-server:rig',
                  ports: [{ containerPort: 8080, name: 'http' }],
                  resources: { requests: { cpu: '250m', memory: '256Mi' } },
                },
              ],
            },
          },
        },
      },
    });
    cleanups.push(() => apps.deleteNamespacedDeployment({ name, namespace: MODELS, propagationPolicy: 'Background' }));
    await core.createNamespacedService({
      namespace: MODELS,
      body: { metadata: { name, labels }, spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 'http' }] } },
    });
    cleanups.push(() => core.deleteNamespacedService({ name, namespace: MODELS }));

    const dep = await eventually(
      `Deployment ${name} ready`,
      async () => {
        const d = await apps.readNamespacedDeployment({ name, namespace: MODELS });
        return d.status?.readyReplicas === 2 && d.status?.availableReplicas === 2 ? d : undefined;
      },
      90_000,
      500,
    );
    assert.ok(dep.status?.conditions?.some(c => c.type === 'Available' && c.status === 'True'));
    const pods = await podsOf(MODELS, `app=${name}`);
    assert.equal(pods.filter(p => p.status?.phase === 'Running').length, 2);
    for (const p of pods) assert.ok(p.status?.podIP, 'a simulated pod IP is assigned');
  });
});

describe('kube: simulated failures (kube/kwok.yaml stages)', () => {
  test('a Job whose pod is annotated kaml-d.io/sim-outcome=fail ends Failed', async () => {
    const name = `rig-train-fail-${suffix}`;
    const body = trainingJob(name, 0);
    body.spec!.template.metadata!.annotations = { 'kaml-d.io/sim-outcome': 'fail', 'kaml-d.io/sim-run-ms': '500' };
    await batch.createNamespacedJob({ namespace: TRAINING, body });
    cleanups.push(() => batch.deleteNamespacedJob({ name, namespace: TRAINING, propagationPolicy: 'Background' }));
    const job = await eventually(
      `Job ${name} Failed`,
      async () => {
        const j = await batch.readNamespacedJob({ name, namespace: TRAINING });
        return j.status?.conditions?.some(c => c.type === 'Failed' && c.status === 'True') ? j : undefined;
      },
      60_000,
      500,
    );
    assert.equal(job.status?.failed, 1);
    const [pod] = await podsOf(TRAINING, `job-name=${name}`);
    assert.equal(pod?.status?.phase, 'Failed');
    assert.equal(pod?.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 1);
  });

  test('a Deployment annotated kaml-d.io/sim-outcome=crashloop stays unready with restarts', async () => {
    const name = `rig-model-crash-${suffix}`;
    await apps.createNamespacedDeployment({
      namespace: MODELS,
      body: {
        metadata: { name, labels: { app: name } },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: name } },
          template: {
            metadata: { labels: { app: name }, annotations: { 'kaml-d.io/sim-outcome': 'crashloop' } },
            spec: { containers: [{ name: 'serve', image: 'kaml-d/model-server:broken' }] },
          },
        },
      },
    });
    cleanups.push(() => apps.deleteNamespacedDeployment({ name, namespace: MODELS, propagationPolicy: 'Background' }));
    const pod = await eventually(
      `a crash-looping pod of ${name}`,
      async () =>
        (await podsOf(MODELS, `app=${name}`)).find(
          p => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff',
        ),
      60_000,
      1_000,
    );
    assert.ok((pod.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1);
    assert.equal(pod.status?.conditions?.find(c => c.type === 'Ready')?.status, 'False');
    const dep = await apps.readNamespacedDeployment({ name, namespace: MODELS });
    assert.ok(!dep.status?.readyReplicas, 'no ready replica');
  });
});

describe('kube: the portal ServiceAccount (least privilege)', () => {
  const pCore = portal.makeApiClient(CoreV1Api);
  const pBatch = portal.makeApiClient(BatchV1Api);
  const pAuthz = portal.makeApiClient(AuthorizationV1Api);

  async function can(verb: string, resource: string, namespace?: string, group = '', subresource?: string) {
    const r = await pAuthz.createSelfSubjectAccessReview({
      body: { spec: { resourceAttributes: { verb, resource, namespace, group, subresource } } },
    });
    return r.status?.allowed === true;
  }

  test('is who it should be: system:serviceaccount:kaml-d-system:kaml-d-portal', async () => {
    const who = await portal.makeApiClient(AuthenticationV1Api).createSelfSubjectReview({ body: {} });
    assert.equal(who.status?.userInfo?.username, 'system:serviceaccount:kaml-d-system:kaml-d-portal');
    const rules = await pAuthz.createSelfSubjectRulesReview({ body: { spec: { namespace: TRAINING } } });
    assert.ok(rules.status?.resourceRules?.some(r => r.verbs.includes('create') && r.resources?.includes('jobs')));
  });

  test('access reviews: allowed where granted, denied elsewhere', async () => {
    // allowed
    assert.equal(await can('list', 'pods'), true, 'list pods cluster-wide');
    assert.equal(await can('watch', 'pods', MODELS), true, 'watch pods');
    assert.equal(await can('get', 'pods', TRAINING, '', 'log'), true, 'read pods/log');
    assert.equal(await can('list', 'events', 'kube-system'), true, 'list events anywhere');
    assert.equal(await can('list', 'nodes'), true, 'list nodes');
    assert.equal(await can('list', 'deployments', 'default', 'apps'), true, 'read deployments anywhere');
    assert.equal(await can('create', 'jobs', TRAINING, 'batch'), true, 'create Jobs in kaml-d-training');
    assert.equal(await can('delete', 'jobs', TRAINING, 'batch'), true, 'delete Jobs in kaml-d-training');
    assert.equal(await can('create', 'deployments', MODELS, 'apps'), true, 'create Deployments in kaml-d-models');
    assert.equal(await can('create', 'services', MODELS), true, 'create Services in kaml-d-models');
    // denied
    assert.equal(await can('get', 'secrets', 'kube-system'), false, 'no secrets in kube-system');
    assert.equal(await can('list', 'secrets', TRAINING), false, 'no secrets anywhere');
    assert.equal(await can('create', 'jobs', 'default', 'batch'), false, 'no Jobs in default');
    assert.equal(await can('create', 'jobs', MODELS, 'batch'), false, 'no Jobs in kaml-d-models');
    assert.equal(await can('create', 'deployments', TRAINING, 'apps'), false, 'no Deployments in kaml-d-training');
    assert.equal(await can('create', 'pods', TRAINING), false, 'no bare pods');
    assert.equal(await can('delete', 'nodes'), false, 'no node changes');
    assert.equal(await can('create', 'pods', TRAINING, '', 'exec'), false, 'no exec');
  });

  test('real requests: lists pods everywhere, creates and deletes a Job in kaml-d-training', async () => {
    const pods = await pCore.listPodForAllNamespaces({ limit: 50 });
    assert.ok(Array.isArray(pods.items));
    const name = `rig-portal-job-${suffix}`;
    const created = await pBatch.createNamespacedJob({ namespace: TRAINING, body: trainingJob(name, 0) });
    cleanups.push(() => batch.deleteNamespacedJob({ name, namespace: TRAINING, propagationPolicy: 'Background' }));
    assert.equal(created.metadata?.name, name);
    await pBatch.deleteNamespacedJob({ name, namespace: TRAINING, propagationPolicy: 'Background' });
  });

  test('real requests: 403 for secrets in kube-system and for Jobs in default', async () => {
    await assert.rejects(
      pCore.listNamespacedSecret({ namespace: 'kube-system' }),
      (e: unknown) => statusOf(e) === 403,
    );
    await assert.rejects(
      pBatch.createNamespacedJob({ namespace: 'default', body: trainingJob(`rig-forbidden-${suffix}`, 0) }),
      (e: unknown) => statusOf(e) === 403,
    );
  });

  test('reads the log of a simulated pod through the apiserver (pods/log)', async () => {
    const name = `rig-log-${suffix}`;
    await batch.createNamespacedJob({ namespace: TRAINING, body: trainingJob(name, 0) });
    cleanups.push(() => batch.deleteNamespacedJob({ name, namespace: TRAINING, propagationPolicy: 'Background' }));
    const pod = await eventually(
      `a started pod of Job ${name}`,
      async () => (await podsOf(TRAINING, `job-name=${name}`)).find(p => p.status?.phase === 'Running' || p.status?.phase === 'Succeeded'),
      60_000,
      500,
    );
    const log = await pCore.readNamespacedPodLog({ name: pod.metadata!.name!, namespace: TRAINING, container: 'train' });
    assert.match(log, /epoch=5\/5 loss=/);
  });
});
