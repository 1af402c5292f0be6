// The ways of configuring the workload cluster, each against the rig's API server: the Kubernetes
// plugin's cluster named by kamlD.workloadCluster (with its token, or the pod's mounted one), and
// the four of the deprecated kamlD.kubernetes. The actions act as the portal's least-privilege
// ServiceAccount whichever way it is reached, and a launch through an unreachable cluster fails
// the step and leaves nothing behind.
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
import { LEGACY_CLUSTER_ACCESS_WARNING } from '@kaml-d/plugin-kaml-d-node';
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

/** The rig cluster as the Kubernetes plugin has it (app-config.rig.yaml), at `apiServer`. */
function pluginCluster(apiServer: string, withToken = true): JsonObject {
  return {
    clusterLocatorMethods: [
      {
        type: 'config',
        clusters: [
          {
            name: 'rig',
            url: apiServer,
            authProvider: 'serviceAccount',
            ...(withToken
              ? { serviceAccountToken: rigEnv('KAML_RIG_KUBE_PORTAL_TOKEN') }
              : {}),
            caFile: rigEnv('KAML_RIG_KUBE_CA'),
          },
        ],
      },
    ],
  };
}

const modes: Array<[string, JsonObject, Record<string, string>]> = [
  [
    'kamlD.workloadCluster: the Kubernetes plugin cluster and its serviceAccountToken',
    {
      kamlD: {
        workloadCluster: 'rig',
        clusters: { rig: { trainingNamespace: TRAINING } },
      },
      kubernetes: pluginCluster(rigEnv('KAML_RIG_KUBE_URL')),
    },
    {},
  ],
  [
    "kamlD.workloadCluster: a Kubernetes plugin cluster without a token, the pod's mounted one",
    {
      kamlD: { workloadCluster: 'rig' },
      kubernetes: pluginCluster(rigEnv('KAML_RIG_KUBE_URL'), false),
    },
    {},
  ],
  [
    'deprecated kamlD.kubernetes: url + token + caFile',
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
    'deprecated kamlD.kubernetes: a kubeconfig file and its context',
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
    "deprecated kamlD.kubernetes: the pod's service account (inCluster)",
    { kamlD: { kubernetes: { inCluster: true } } },
    {
      KUBERNETES_SERVICE_HOST: url.hostname,
      KUBERNETES_SERVICE_PORT: url.port,
    },
  ],
  [
    'deprecated kamlD.kubernetes: a cluster configured for the Kubernetes plugin',
    {
      kamlD: { kubernetes: { cluster: 'rig' } },
      kubernetes: pluginCluster(rigEnv('KAML_RIG_KUBE_URL')),
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

describe('the workload cluster settings against the rig cluster', () => {
  it.each(modes)(
    '%s: acts as the portal ServiceAccount and launches a training Job',
    async (mode, config, env) => {
      const warn = jest.fn();
      const settings = readKamlDKubernetesSettings(new ConfigReader(config), {
        env,
        serviceAccountDir: join(dir, 'sa'),
        logger: { warn },
      })!;
      expect(settings.server).toBe(rigEnv('KAML_RIG_KUBE_URL'));
      // the deprecated block still works, and says what replaces it
      expect(warn.mock.calls.map(c => c[0])).toEqual(
        mode.startsWith('deprecated') ? [LEGACY_CLUSTER_ACCESS_WARNING] : [],
      );
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
        kamlD: { workloadCluster: 'rig' },
        // a loopback port nothing listens on
        kubernetes: pluginCluster('https://127.0.0.1:1'),
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
