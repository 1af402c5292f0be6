// kaml-d:training:launch with a pvc:// dataset on the rig cluster: the dataset is a claim
// restored from a VolumeSnapshot (upstream snapshot-controller, the rig's CSI driver stand-in);
// the Job mounts it read-only and its pod runs to completion on a kwok node.
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
} from '@kubernetes/client-node';
import { runAction } from '../__testUtils__/actionContext';
import { createTrainingLaunchAction } from '../actions/trainingLaunch';
import { createTrainingWaitAction } from '../actions/trainingWait';
import { rigKubeConfig, rigTarget } from './rigCluster';
import { rigEnv } from './rigEnv';

jest.setTimeout(180_000);

const NS = 'kaml-d-training';
const GROUP = 'snapshot.storage.k8s.io';
const suffix = `${process.pid.toString(36)}-${Date.now().toString(36)}`;
const source = `pvc-train-${suffix}`;
const snapshot = `pvc-train-${suffix}-snap`;
const restored = `pvc-train-${suffix}-restored`;

const admin = rigKubeConfig('admin');
const core = admin.makeApiClient(CoreV1Api);
const custom = admin.makeApiClient(CustomObjectsApi);
const batch = admin.makeApiClient(BatchV1Api);

async function until<T>(what: string, probe: () => Promise<T | undefined>) {
  const end = Date.now() + 120_000;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 500));
  }
}

function claim(
  name: string,
  dataSource?: { apiGroup: string; kind: string; name: string },
) {
  return {
    metadata: { name, labels: { 'kaml-d.io/rig-test': 'pvc-training' } },
    spec: {
      accessModes: ['ReadWriteOnce'],
      storageClassName: rigEnv('KAML_RIG_STORAGE_CLASS'),
      resources: { requests: { storage: '1Gi' } },
      ...(dataSource ? { dataSource } : {}),
    },
  };
}

const bound = (name: string) =>
  until(`claim ${name} Bound`, async () => {
    const c = await core.readNamespacedPersistentVolumeClaim({
      namespace: NS,
      name,
    });
    return c.status?.phase === 'Bound' ? c : undefined;
  });

let jobName = '';
afterAll(async () => {
  if (jobName) {
    await batch
      .deleteNamespacedJob({
        name: jobName,
        namespace: NS,
        propagationPolicy: 'Background',
      })
      .catch(() => undefined);
  }
  await custom
    .deleteNamespacedCustomObject({
      group: GROUP,
      version: 'v1',
      namespace: NS,
      plural: 'volumesnapshots',
      name: snapshot,
    })
    .catch(() => undefined);
  for (const name of [restored, source]) {
    await core
      .deleteNamespacedPersistentVolumeClaim({ namespace: NS, name })
      .catch(() => undefined);
  }
});

it('mounts a claim restored from a VolumeSnapshot read-only into the training Job, which completes', async () => {
  await core.createNamespacedPersistentVolumeClaim({
    namespace: NS,
    body: claim(source),
  });
  await bound(source);
  await custom.createNamespacedCustomObject({
    group: GROUP,
    version: 'v1',
    namespace: NS,
    plural: 'volumesnapshots',
    body: {
      apiVersion: `${GROUP}/v1`,
      kind: 'VolumeSnapshot',
      metadata: { name: snapshot },
      spec: {
        volumeSnapshotClassName: rigEnv('KAML_RIG_SNAPSHOT_CLASS'),
        source: { persistentVolumeClaimName: source },
      },
    },
  });
  await core.createNamespacedPersistentVolumeClaim({
    namespace: NS,
    body: claim(restored, {
      apiGroup: GROUP,
      kind: 'VolumeSnapshot',
      name: snapshot,
    }),
  });
  await bound(restored);

  const kubernetes = rigTarget();
  const catalog = catalogServiceMock({
    entities: [
      {
        apiVersion: 'kaml-d.io/v1alpha1',
        kind: 'Dataset',
        metadata: { name: `frames-${suffix}`, namespace: 'default' },
        spec: { location: `pvc://kaml-d/${NS}/${restored}` },
      },
    ],
  });
  const taskId = `rig-pvc-${suffix}`;
  const launched = await runAction(
    createTrainingLaunchAction({ kubernetes, catalog }),
    {
      model: `model:default/frames-${suffix}`,
      datasets: [`dataset:default/frames-${suffix}`],
      image: 'kaml-d/trainer:rig',
      cpu: '500m',
      memory: '256Mi',
      podAnnotations: { 'kaml-d.io/sim-run-ms': '500' },
    },
    { taskId },
  );
  jobName = String(launched.outputs.jobName);
  const job = await batch.readNamespacedJob({ name: jobName, namespace: NS });
  const pod = job.spec!.template.spec!;
  expect(pod.volumes).toEqual([
    {
      name: 'dataset-0',
      persistentVolumeClaim: { claimName: restored, readOnly: true },
    },
  ]);
  expect(pod.containers[0].volumeMounts).toEqual([
    {
      name: 'dataset-0',
      mountPath: `/kaml/datasets/${restored}`,
      readOnly: true,
    },
  ]);
  const waited = await runAction(
    createTrainingWaitAction({ kubernetes }),
    { jobName, pollIntervalSeconds: 0.5, timeoutSeconds: 120 },
    { taskId },
  );
  expect(waited.outputs.status).toBe('Succeeded');
});
