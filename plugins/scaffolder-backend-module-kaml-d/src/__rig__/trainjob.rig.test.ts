// Kubeflow Trainer v2 TrainJobs through the KAML-D actions against the rig's API server, with the
// upstream CRDs (github.com/kubeflow/trainer/v2, applied with the torch-distributed
// ClusterTrainingRuntime by the rig's kube_post_start, e2e/rig/kube/trainer.sh). The Trainer
// controller does not run on the rig (it needs JobSet, webhooks, cert-manager): this test plays it
// as admin — pods labelled as the JobSet controller labels them, status written through the
// status subresource in the v2.0 schema — while the actions act with the portal's ServiceAccount.
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
} from '@kubernetes/client-node';
import { runAction } from '../__testUtils__/actionContext';
import { createTrainingLaunchAction } from '../actions/trainingLaunch';
import { createTrainingWaitAction } from '../actions/trainingWait';
import { rigKubeConfig, rigTarget } from './rigCluster';

jest.setTimeout(180_000);

const TRAINING = 'kaml-d-training';
const suffix = `${process.pid.toString(36)}-${Date.now().toString(36)}`;
const model = `tj-${suffix}`;
const TRAINJOBS = {
  group: 'trainer.kubeflow.org',
  version: 'v1alpha1',
  plural: 'trainjobs',
};

const admin = rigKubeConfig('admin');
const extensions = admin.makeApiClient(ApiextensionsV1Api);
const custom = admin.makeApiClient(CustomObjectsApi);
const core = admin.makeApiClient(CoreV1Api);
const claim = `tj-data-${suffix}`.slice(0, 40);
const catalog = catalogServiceMock({
  entities: [
    {
      apiVersion: 'kaml-d.io/v1alpha1',
      kind: 'Dataset',
      metadata: { name: 'tj-volume', namespace: 'default' },
      spec: {
        owner: 'group:default/ml',
        location: `pvc://kaml-d/${TRAINING}/${claim}`,
      },
    },
  ],
});

type TrainJob = {
  metadata: { name: string; creationTimestamp?: string };
  spec: Record<string, any>;
  status?: Record<string, any>;
};

const readTrainJob = async (name: string) =>
  (await custom.getNamespacedCustomObject({
    ...TRAINJOBS,
    namespace: TRAINING,
    name,
  })) as TrainJob;

/** Writes status as the Trainer controller does: through the status subresource. */
async function setStatus(name: string, status: object) {
  const current = await readTrainJob(name);
  await custom.replaceNamespacedCustomObjectStatus({
    ...TRAINJOBS,
    namespace: TRAINING,
    name,
    body: { ...current, status },
  });
}

/** A pod of the TrainJob's JobSet, labelled as the JobSet controller labels it. */
async function createNodePod(trainJob: string, index: number) {
  await core.createNamespacedPod({
    namespace: TRAINING,
    body: {
      metadata: {
        name: `${trainJob}-node-0-${index}-${suffix.slice(-5)}`,
        labels: {
          'jobset.sigs.k8s.io/jobset-name': trainJob,
          'jobset.sigs.k8s.io/replicatedjob-name': 'node',
          'jobset.sigs.k8s.io/job-index': '0',
          'batch.kubernetes.io/job-name': `${trainJob}-node-0`,
          'trainer.kubeflow.org/trainjob-ancestor-step': 'trainer',
        },
      },
      spec: {
        restartPolicy: 'Never',
        containers: [{ name: 'node', image: 'kaml-d/trainer:rig' }],
      },
    },
  });
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  for (const plural of [
    'trainjobs',
    'trainingruntimes',
    'clustertrainingruntimes',
  ]) {
    const crd = await extensions
      .readCustomResourceDefinition({ name: `${plural}.trainer.kubeflow.org` })
      .catch(() => undefined);
    if (
      !crd?.status?.conditions?.some(
        c => c.type === 'Established' && c.status === 'True',
      )
    ) {
      throw new Error(
        `the Kubeflow Trainer CRD ${plural}.trainer.kubeflow.org is not installed: restart the rig's kube service or run e2e/rig/kube/trainer.sh`,
      );
    }
  }
});

afterAll(async () => {
  const list = (await custom.listNamespacedCustomObject({
    ...TRAINJOBS,
    namespace: TRAINING,
    labelSelector: `kaml-d.io/model=${model}`,
  })) as { items: TrainJob[] };
  for (const t of list.items) {
    await core
      .deleteCollectionNamespacedPod({
        namespace: TRAINING,
        labelSelector: `jobset.sigs.k8s.io/jobset-name=${t.metadata.name}`,
      })
      .catch(() => undefined);
    await custom
      .deleteNamespacedCustomObject({
        ...TRAINJOBS,
        namespace: TRAINING,
        name: t.metadata.name,
      })
      .catch(() => undefined);
  }
});

describe('Kubeflow Trainer v2 TrainJobs on the rig cluster (upstream CRDs)', () => {
  it('launch → TrainJob on torch-distributed accepted and defaulted by the upstream schema → child Jobs and pods → Complete → wait succeeds', async () => {
    const kubernetes = rigTarget();
    const input = {
      model: `model:default/${model}`,
      image: 'kaml-d/trainer:rig',
      command: ['torchrun', 'train.py'],
      kind: 'TrainJob',
      runtime: 'torch-distributed',
      workers: 2,
      gpus: 1,
      cpu: '1',
      memory: '1Gi',
      env: { EPOCHS: '3' },
    };
    const taskId = `rig-trainjob-${suffix}`;
    const launched = await runAction(
      createTrainingLaunchAction({ kubernetes, catalog }),
      input,
      { taskId },
    );
    expect(launched.outputs.kind).toBe('TrainJob');
    const name = String(launched.outputs.jobName);
    expect(name.length).toBeLessThanOrEqual(31);
    // a retry without the checkpoint finds its own TrainJob (409, same task label)
    await runAction(
      createTrainingLaunchAction({ kubernetes: rigTarget(), catalog }),
      input,
      { taskId },
    );

    const stored = await readTrainJob(name);
    expect(stored.spec.runtimeRef).toEqual({
      name: 'torch-distributed',
      kind: 'ClusterTrainingRuntime',
      apiGroup: 'trainer.kubeflow.org',
    });
    expect(stored.spec.trainer).toMatchObject({
      image: 'kaml-d/trainer:rig',
      command: ['torchrun', 'train.py'],
      numNodes: 2,
      env: [{ name: 'EPOCHS', value: '3' }],
      resourcesPerNode: { limits: { 'nvidia.com/gpu': '1' } },
    });
    // defaulted by the upstream CRD's OpenAPI schema: it was validated by it
    expect(stored.spec.suspend).toBe(false);
    expect(stored.spec.labels['kaml-d.io/model']).toBe(model);

    // the Trainer and JobSet controllers' part: the node pods, then the child Job active
    await createNodePod(name, 0);
    await createNodePod(name, 1);
    await waitFor('the node pods to run on the kwok nodes', async () => {
      const pods = await core.listNamespacedPod({
        namespace: TRAINING,
        labelSelector: `jobset.sigs.k8s.io/jobset-name=${name}`,
      });
      return pods.items.length === 2 &&
        pods.items.every(p => p.status?.phase === 'Running')
        ? true
        : undefined;
    });
    await setStatus(name, {
      jobsStatus: [
        {
          name: 'node',
          ready: 1,
          succeeded: 0,
          failed: 0,
          active: 1,
          suspended: 0,
        },
      ],
      // not part of the v2.0 schema: pruned by the API server
      trainerStatus: { progressPercentage: 50 },
    });
    const running = await readTrainJob(name);
    expect(running.status?.jobsStatus?.[0]).toMatchObject({ active: 1 });
    expect(running.status?.trainerStatus).toBeUndefined();

    const wait = createTrainingWaitAction({ kubernetes: rigTarget() });
    // still running: the step times out saying where it is
    await expect(
      runAction(
        wait,
        {
          jobName: name,
          kind: 'TrainJob',
          pollIntervalSeconds: 0.2,
          timeoutSeconds: 1,
          logTailLines: 0,
        },
        { taskId },
      ),
    ).rejects.toThrow(
      `training TrainJob ${TRAINING}/${name} did not finish within 1s (Running: node: 1 active, 1 ready`,
    );

    const created = Date.parse(String(stored.metadata.creationTimestamp));
    const done = new Date(created + 125_000).toISOString().replace('.000', '');
    await setStatus(name, {
      conditions: [
        {
          type: 'Complete',
          status: 'True',
          reason: 'AllJobsCompleted',
          message: 'jobset completed successfully',
          lastTransitionTime: done,
        },
      ],
      jobsStatus: [
        {
          name: 'node',
          ready: 0,
          succeeded: 1,
          failed: 0,
          active: 0,
          suspended: 0,
        },
      ],
    });
    const waited = await runAction(
      wait,
      {
        jobName: name,
        kind: 'TrainJob',
        pollIntervalSeconds: 0.2,
        timeoutSeconds: 60,
      },
      { taskId },
    );
    expect(waited.outputs).toMatchObject({
      status: 'Succeeded',
      durationSeconds: 125,
    });
    // the log tail of the JobSet's pods (served by kwok) reached the task log
    expect(waited.lines.join('\n')).toContain(
      `[${name}-node-0-0-${suffix.slice(
        -5,
      )}] kaml-d simulated container started on a kwok node`,
    );
  });

  it('a pvc:// dataset is mounted into the node job and container through podSpecOverrides, accepted by the upstream schema', async () => {
    const launched = await runAction(
      createTrainingLaunchAction({ kubernetes: rigTarget(), catalog }),
      {
        model: `model:default/${model}`,
        datasets: ['dataset:default/tj-volume'],
        image: 'kaml-d/trainer:rig',
        kind: 'TrainJob',
        runtime: 'torch-distributed',
      },
      { taskId: `rig-trainjob-pvc-${suffix}` },
    );
    const stored = await readTrainJob(String(launched.outputs.jobName));
    expect(stored.spec.podSpecOverrides).toEqual([
      {
        targetJobs: [{ name: 'node' }],
        volumes: [
          {
            name: 'dataset-0',
            persistentVolumeClaim: { claimName: claim, readOnly: true },
          },
        ],
        containers: [
          {
            name: 'node',
            volumeMounts: [
              {
                name: 'dataset-0',
                mountPath: `/kaml/datasets/${claim}`,
                readOnly: true,
              },
            ],
          },
        ],
      },
    ]);
    expect(stored.spec.trainer.env).toEqual(
      expect.arrayContaining([
        {
          name: 'KAML_DATASET_LOCATION',
          value: `pvc://kaml-d/${TRAINING}/${claim}`,
        },
      ]),
    );
  });

  it('a Failed TrainJob fails the wait step with its reason', async () => {
    const kubernetes = rigTarget();
    const taskId = `rig-trainjob-fail-${suffix}`;
    const launched = await runAction(
      createTrainingLaunchAction({ kubernetes, catalog }),
      {
        model: `model:default/${model}`,
        image: 'kaml-d/trainer:rig',
        kind: 'TrainJob',
        runtime: 'torch-distributed',
      },
      { taskId },
    );
    const name = String(launched.outputs.jobName);
    await setStatus(name, {
      conditions: [
        {
          type: 'Failed',
          status: 'True',
          reason: 'FailedJobs',
          message: 'jobset failed: node-0 exited with code 1',
          lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        },
      ],
    });
    await expect(
      runAction(
        createTrainingWaitAction({ kubernetes }),
        { jobName: name, kind: 'TrainJob', pollIntervalSeconds: 0.2 },
        { taskId },
      ),
    ).rejects.toThrow(
      `training TrainJob ${TRAINING}/${name} failed: FailedJobs: jobset failed: node-0 exited with code 1`,
    );
  });

  it('an unknown runtime fails naming the installed ones; the upstream schema refuses a TrainJob without a runtime name', async () => {
    await expect(
      runAction(
        createTrainingLaunchAction({ kubernetes: rigTarget(), catalog }),
        {
          model: `model:default/${model}`,
          image: 'kaml-d/trainer:rig',
          kind: 'TrainJob',
          runtime: 'jax-distributed',
        },
        { taskId: `rig-trainjob-bad-${suffix}` },
      ),
    ).rejects.toThrow(
      /runtime jax-distributed is not a ClusterTrainingRuntime; available: .*torch-distributed/,
    );
    await expect(
      custom.createNamespacedCustomObject({
        ...TRAINJOBS,
        namespace: TRAINING,
        body: {
          apiVersion: 'trainer.kubeflow.org/v1alpha1',
          kind: 'TrainJob',
          metadata: {
            name: `tj-invalid-${suffix}`.slice(0, 31),
            labels: { 'kaml-d.io/model': model },
          },
          spec: { runtimeRef: {}, trainer: { numNodes: 'two' } },
        },
      }),
    ).rejects.toThrow(/spec.runtimeRef.name: Required value/);
  });
});
