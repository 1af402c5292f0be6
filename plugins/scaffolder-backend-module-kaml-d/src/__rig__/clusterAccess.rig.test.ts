// The four ways of configuring kamlD.kubernetes, each against the rig's API server: the actions
// act as the portal's least-privilege ServiceAccount whichever way it is reached, and a launch
// through an unreachable cluster fails the step and leaves nothing behind.
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { BatchV1Api, V1Job } from '@kubernetes/client-node';
import { runAction } from '../__testUtils__/actionContext';
import { createKubeClient } from '../kubernetes/client';
import { readKamlDKubernetesSettings } from '../kubernetes/config';
import { labelSelector, taskLabelValue } from '../kubernetes/names';
import { createTrainingLaunchAction } from '../actions/trainingLaunch';
import { rigEnv } from './rigEnv';
import { rigKubeConfig } from './rigCluster';

jest.setTimeout(120_000);

const TRAINING = 'kaml-d-training';
const suffix = `${process.pid.toString(36)}-${Date.now().toString(36)}`;
const url = new URL(rigEnv('KAML_RIG_KUBE_URL'));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kaml-rig-access-'));
  // what Kubernetes mounts into a pod: the ServiceAccount's token and the cluster CA
  mkdirSync(join(dir, 'sa'));
  writeFileSync(join(dir, 'sa', 'token'), rigEnv('KAML_RIG_KUBE_PORTAL_TOKEN'));
  writeFileSync(
    join(dir, 'sa', 'ca.crt'),
    readFileSync(rigEnv('KAML_RIG_KUBE_CA')),
  );
});

const admin = rigKubeConfig('admin');
const batch = admin.makeApiClient(BatchV1Api);

const created: string[] = [];
afterAll(async () => {
  for (const name of created) {
    await batch
      .deleteNamespacedJob({
        name,
        namespace: TRAINING,
        propagationPolicy: 'Background',
      })
      .catch(() => undefined);
  }
  rmSync(dir, { recursive: true, force: true });
});

const modes: Array<[string, JsonObject, Record<string, string>]> = [
  [
    'url + token + caFile',
    {
      kamlD: {
        kubernetes: {
          url: rigEnv('KAML_RIG_KUBE_URL'),
          token: rigEnv('KAML_RIG_KUBE_PORTAL_TOKEN'),
          caFile: rigEnv('KAML_RIG_KUBE_CA'),
        },
      },
    },
    {},
  ],
  [
    'a kubeconfig file and its context',
    {
      kamlD: {
        kubernetes: {
          kubeconfig: {
            path: rigEnv('KAML_RIG_KUBECONFIG_PORTAL'),
            context: 'kaml-d-portal@kaml-d-rig',
          },
        },
      },
    },
    {},
  ],
  [
    "the pod's service account (inCluster)",
    { kamlD: { kubernetes: { inCluster: true } } },
    {
      KUBERNETES_SERVICE_HOST: url.hostname,
      KUBERNETES_SERVICE_PORT: url.port,
    },
  ],
  [
    'a cluster configured for the Kubernetes plugin',
    {
      kamlD: { kubernetes: { cluster: 'rig' } },
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              {
                name: 'rig',
                url: rigEnv('KAML_RIG_KUBE_URL'),
                authProvider: 'serviceAccount',
                serviceAccountToken: rigEnv('KAML_RIG_KUBE_PORTAL_TOKEN'),
                caFile: rigEnv('KAML_RIG_KUBE_CA'),
              },
            ],
          },
        ],
      },
    },
    {},
  ],
];

const catalog = catalogServiceMock({
  entities: [
    {
      apiVersion: 'kaml-d.io/v1alpha1',
      kind: 'Dataset',
      metadata: { name: 'customer-churn', namespace: 'default' },
      spec: { location: 's3://kaml-datasets/customer-churn/' },
    },
  ],
});

function trainInput(model: string) {
  return {
    model: `model:default/${model}`,
    datasets: ['dataset:default/customer-churn'],
    image: 'kaml-d/trainer:rig',
    cpu: '500m',
    memory: '256Mi',
    podAnnotations: { 'kaml-d.io/sim-run-ms': '500' },
  };
}

const jobsOfTask = async (taskId: string): Promise<V1Job[]> =>
  (
    await batch.listNamespacedJob({
      namespace: TRAINING,
      labelSelector: labelSelector({
        'kaml-d.io/task-id': taskLabelValue(taskId),
      }),
    })
  ).items;

describe('kamlD.kubernetes against the rig cluster', () => {
  it.each(modes)(
    '%s: acts as the portal ServiceAccount and launches a training Job',
    async (mode, config, env) => {
      const settings = readKamlDKubernetesSettings(new ConfigReader(config), {
        env,
        serviceAccountDir: join(dir, 'sa'),
      })!;
      expect(settings.server).toBe(rigEnv('KAML_RIG_KUBE_URL'));
      const client = createKubeClient(settings);
      // least privilege: Jobs in the training namespace yes, Secrets no
      expect(
        await client.canI({
          verb: 'create',
          group: 'batch',
          resource: 'jobs',
          namespace: TRAINING,
        }),
      ).toBe(true);
      expect(
        await client.canI({
          verb: 'create',
          group: '',
          resource: 'secrets',
          namespace: TRAINING,
        }),
      ).toBe(false);

      const taskId = `access-${mode.length}-${suffix}`;
      const launch = createTrainingLaunchAction({
        kubernetes: {
          client,
          trainingNamespace: settings.trainingNamespace,
          modelsNamespace: settings.modelsNamespace,
        },
        catalog,
      });
      const { outputs } = await runAction(
        launch,
        trainInput(`access-${suffix}`),
        { taskId },
      );
      created.push(String(outputs.jobName));
      const jobs = await jobsOfTask(taskId);
      expect(jobs.map(j => j.metadata?.name)).toEqual([outputs.jobName]);
    },
  );

  it('an unreachable cluster fails the launch step with the address, and no Job exists', async () => {
    const settings = readKamlDKubernetesSettings(
      new ConfigReader({
        kamlD: {
          kubernetes: {
            // a loopback port nothing listens on
            url: 'https://127.0.0.1:1',
            token: rigEnv('KAML_RIG_KUBE_PORTAL_TOKEN'),
            caFile: rigEnv('KAML_RIG_KUBE_CA'),
          },
        },
      }),
    )!;
    const taskId = `access-down-${suffix}`;
    const launch = createTrainingLaunchAction({
      kubernetes: {
        client: createKubeClient(settings),
        trainingNamespace: settings.trainingNamespace,
        modelsNamespace: settings.modelsNamespace,
      },
      catalog,
    });
    await expect(
      runAction(launch, trainInput(`down-${suffix}`), { taskId }),
    ).rejects.toThrow(/the API server is unreachable \(.*ECONNREFUSED/);
    expect(await jobsOfTask(taskId)).toEqual([]);
  });
});
