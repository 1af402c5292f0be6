import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { V1Deployment } from '@kubernetes/client-node';
import { createRunsService } from './createRunsService';
import {
  cluster,
  credentials,
  fakeReader,
  job,
  memoryCache,
  model,
  pod,
  ref,
} from '../../__testUtils__/runs';

describe('RunsService', () => {
  it('reads 200 Jobs and 2,000 pods in three label-selected lists and groups pods by Job', async () => {
    const jobs = Array.from({ length: 200 }, (_, i) =>
      job(i, ({ 199: 'running', 198: 'failed' } as const)[i] ?? 'done'),
    );
    const pods = jobs.flatMap((_, i) =>
      Array.from({ length: 10 }, (__, k) => pod(i, k, i === 0 && k === 0)),
    );
    const deployments: V1Deployment[] = [
      {
        metadata: {
          name: 'churn',
          namespace: 'models-ns',
          labels: {
            'app.kubernetes.io/name': 'churn',
            'kaml-d.io/model-version': 'v3',
            'kaml-d.io/track': 'stable',
          },
        },
        spec: {
          replicas: 3,
          selector: { matchLabels: { 'app.kubernetes.io/name': 'churn' } },
          template: {},
        },
        status: { readyReplicas: 2 },
      },
    ];
    const { reader, calls } = fakeReader(jobs, pods, deployments);
    const service = createRunsService({
      cluster,
      reader,
      catalog: catalogServiceMock({ entities: [model('churn')] }),
      cache: memoryCache(),
      now: () => Date.UTC(2026, 0, 1, 4, 0),
    });
    const answer = await service.runs(ref, credentials);
    expect(calls.sort()).toEqual([
      'deployments models-ns kaml-d.io/model=churn',
      'jobs train-ns kaml-d.io/model=churn',
      'pods train-ns kaml-d.io/model=churn',
    ]);
    expect(answer.runs).toHaveLength(200);
    // newest first
    expect(answer.runs[0]).toMatchObject({
      name: 'churn-199',
      status: 'Running',
      gpus: 2,
    });
    expect(answer.runs[0].durationSeconds).toBe(4 * 3600 - 199 * 60);
    expect(answer.runs[1]).toMatchObject({
      name: 'churn-198',
      status: 'Failed',
      durationSeconds: 30,
    });
    const first = answer.runs.find(r => r.name === 'churn-0')!;
    expect(first).toMatchObject({
      status: 'Succeeded',
      durationSeconds: 90,
      image: 'img:1',
    });
    expect(first.pods).toHaveLength(10);
    expect(first.pods[0]).toMatchObject({
      name: 'churn-0-0',
      restarts: 1,
      hasPrevious: true,
      containers: ['train', 'sidecar'],
    });
    expect(answer.deployments).toEqual([
      {
        kind: 'Deployment',
        name: 'churn',
        namespace: 'models-ns',
        version: 'v3',
        track: 'stable',
        desiredReplicas: 3,
        readyReplicas: 2,
        endpoint: 'http://churn.models-ns.svc.cluster.local',
      },
    ]);

    // warm: served from the cache, no request to the API server
    calls.length = 0;
    await service.runs(ref, credentials);
    expect(calls).toEqual([]);
  });

  it('answers 404 when the catalog does not let the caller read the model, before any Kubernetes call', async () => {
    const { reader, calls } = fakeReader([], [], []);
    const service = createRunsService({
      cluster,
      reader,
      catalog: catalogServiceMock({ entities: [] }),
      cache: memoryCache(),
    });
    await expect(service.runs(ref, credentials)).rejects.toThrow(
      'No model model:default/churn in the catalog',
    );
    expect(calls).toEqual([]);
  });

  it('refuses a model whose name cannot be a label value', async () => {
    const { reader, calls } = fakeReader([], [], []);
    const name = 'x'.repeat(64);
    const service = createRunsService({
      cluster,
      reader,
      catalog: catalogServiceMock({ entities: [model(name)] }),
      cache: memoryCache(),
    });
    await expect(service.runs({ ...ref, name }, credentials)).rejects.toThrow(
      /is not a Kubernetes label value/,
    );
    expect(calls).toEqual([]);
  });

  it('reports an unreachable cluster as data and does not cache it', async () => {
    let fail = true;
    const { reader } = fakeReader([job(1, 'done')], [], []);
    const service = createRunsService({
      cluster,
      reader: {
        ...reader,
        listJobs: async (ns, sel) => {
          if (fail) throw new Error('connect ECONNREFUSED');
          return reader.listJobs(ns, sel);
        },
      },
      catalog: catalogServiceMock({ entities: [model('churn')] }),
      cache: memoryCache(),
    });
    const down = await service.runs(ref, credentials);
    expect(down.error).toMatch(/unreachable or refused: connect ECONNREFUSED/);
    fail = false;
    const up = await service.runs(ref, credentials);
    expect(up.error).toBeUndefined();
    expect(up.runs.map(r => r.name)).toEqual(['churn-1']);
  });

  it("reads a project's model from the project's namespace, for runs and logs", async () => {
    const { reader, calls } = fakeReader([], [pod(0, 0, true)], []);
    const service = createRunsService({
      cluster,
      reader,
      catalog: catalogServiceMock({
        entities: [
          { ...model('churn'), spec: { system: 'retention' } },
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'System',
            metadata: {
              name: 'retention',
              namespace: 'default',
              annotations: { 'kaml-d.io/namespace': 'team-retention' },
            },
            spec: {},
          },
        ],
      }),
      cache: memoryCache(),
    });
    await service.runs(ref, credentials);
    await service.logs(
      ref,
      { pod: pod(0, 0, true).metadata!.name!, previous: false, tailLines: 10 },
      credentials,
    );
    expect(calls.filter(c => !c.startsWith('log')).sort()).toEqual([
      'deployments team-retention kaml-d.io/model=churn',
      'jobs team-retention kaml-d.io/model=churn',
      'pods team-retention kaml-d.io/model=churn',
      `pods team-retention kaml-d.io/model=churn metadata.name=${
        pod(0, 0, true).metadata!.name
      }`,
    ]);
  });

  it('says what to configure when no cluster is set', async () => {
    const service = createRunsService({
      cluster: undefined,
      catalog: catalogServiceMock({ entities: [model('churn')] }),
      cache: memoryCache(),
    });
    await expect(service.runs(ref, credentials)).rejects.toThrow(
      /configure the cluster for the Kubernetes plugin \(kubernetes.clusterLocatorMethods, .*\) and set kamlD.workloadCluster to its name/,
    );
  });

  it('reads logs only of the model’s own pods and containers, with the previous container option', async () => {
    const { reader, calls } = fakeReader([], [pod(0, 0, true)], []);
    const service = createRunsService({
      cluster,
      reader,
      catalog: catalogServiceMock({ entities: [model('churn')] }),
      cache: memoryCache(),
    });
    const log = await service.logs(
      ref,
      { pod: 'churn-0-0', previous: true, tailLines: 50 },
      credentials,
    );
    expect(log).toEqual({
      pod: 'churn-0-0',
      container: 'train',
      text: 'epoch 1 loss 0.4\n',
    });
    expect(calls).toEqual([
      'pods train-ns kaml-d.io/model=churn metadata.name=churn-0-0',
      'log churn-0-0 train true 50',
    ]);
    await expect(
      service.logs(
        ref,
        { pod: 'other', previous: false, tailLines: 5 },
        credentials,
      ),
    ).rejects.toThrow('Pod other is not a training pod of model churn');
    await expect(
      service.logs(
        ref,
        { pod: 'churn-0-0', container: 'nope', previous: false, tailLines: 5 },
        credentials,
      ),
    ).rejects.toThrow('use one of train, sidecar');
  });
});
