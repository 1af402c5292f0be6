import { CacheService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AppsV1Api, KubeConfig } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import {
  createObservationService,
  readObservationConfig,
} from '../services/Observation';
import { rigClusterConfig } from './rigCluster';
import { rigEnv } from './rigEnv';

const NAMESPACE = 'kaml-d-models';

/** A cache that keeps nothing: every call reads the rig afresh. */
const noCache: CacheService = {
  get: async () => undefined,
  set: async () => undefined,
  delete: async () => undefined,
  withOptions: () => noCache,
};
// a workload of this test's own, so nobody else's view of the fixture models changes
const probeId = `obs-rig-probe-${randomBytes(3).toString('hex')}`;

function model(name: string, id = name) {
  return {
    apiVersion: 'kaml-d.io/v1alpha1',
    kind: 'Model',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'backstage.io/kubernetes-id': id,
        'backstage.io/kubernetes-namespace': NAMESPACE,
      },
    },
    spec: { owner: 'group:default/data-science' },
  };
}

describe('Observation Hub against the rig Prometheus and kube-apiserver', () => {
  const config = readObservationConfig(
    // the workload cluster of app-config.rig.yaml, which the Observation Hub reads too
    new ConfigReader(
      rigClusterConfig({
        observation: {
          prometheus: [{ name: 'rig', url: rigEnv('KAML_RIG_PROMETHEUS_URL') }],
          cacheSeconds: 1,
        },
      }),
    ),
  );
  const service = createObservationService({
    config,
    catalog: catalogServiceMock({
      entities: [
        model('fraud-detector'),
        model('voice-classifier'),
        model('probe', probeId),
      ],
    }),
    cache: noCache,
    logger: mockServices.logger.mock(),
  });
  const credentials = mockCredentials.user('user:default/alice');
  const admin = new KubeConfig();
  admin.loadFromFile(rigEnv('KAML_RIG_KUBECONFIG_ADMIN'));
  const apps = admin.makeApiClient(AppsV1Api);

  afterAll(async () => {
    await apps
      .deleteNamespacedDeployment({ name: probeId, namespace: NAMESPACE })
      .catch(() => undefined);
  });

  it("shows voice-classifier unhealthy (red) with its critical alert and summary, and the exporter's numbers", async () => {
    const answer = await service.observe(
      { kind: 'model', namespace: 'default', name: 'voice-classifier' },
      '15m',
      credentials,
    );
    expect(answer.errors).toEqual([]);
    expect(answer.headline.status).toBe('unhealthy');
    // the critical alert comes first, with the summary the rule renders from the live ratio
    expect(answer.headline.reason).toMatch(
      /^2 alerts firing — KamlModelHighErrorRate \(critical\): Model voice-classifier answers \d+(\.\d+)?% of its requests with 5xx; KamlModelHighLatency \(warning\)/,
    );
    expect(answer.alerts.map(a => a.name).sort()).toEqual([
      'KamlModelHighErrorRate',
      'KamlModelHighLatency',
    ]);
    const last = (id: string, label?: string) => {
      const series = answer.panels
        .find(p => p.id === id)
        ?.series.find(s => !label || s.label === label);
      return series?.points[series.points.length - 1]?.[1];
    };
    // fixture: ~30 % 5xx, median latency 1.9 s, GPU 97 % × a ±35 % traffic wave, 2 replicas
    expect(last('errorRatio')).toBeGreaterThan(0.15);
    expect(last('errorRatio')).toBeLessThan(0.5);
    expect(last('latency', 'p50')).toBeGreaterThan(1);
    expect(last('latency', 'p50')).toBeLessThan(5.1);
    // 97 % on a ±35 % wave with ±6 points of noise: at least ~45; observationValues.rig.test.ts
    // compares every figure with the exporter's own reading
    expect(last('gpuUtil')).toBeGreaterThan(40);
    expect(answer.panels.find(p => p.id === 'cpu')?.series).toHaveLength(2);
    for (const panel of answer.panels) {
      for (const s of panel.series)
        expect(s.points.length).toBeLessThanOrEqual(61);
    }
  });

  it('shows fraud-detector healthy with its series present', async () => {
    const answer = await service.observe(
      { kind: 'model', namespace: 'default', name: 'fraud-detector' },
      '1h',
      credentials,
    );
    expect(answer.errors).toEqual([]);
    expect(answer.alerts).toEqual([]);
    expect(answer.headline.status).toBe('healthy');
    const rate = answer.panels.find(p => p.id === 'requestRate');
    const ok = rate?.series.find(s => s.label === '200');
    // fixture: 40 requests/s, almost all 200, on a ±35 % wave
    expect(ok?.points[ok.points.length - 1][1]).toBeGreaterThan(15);
    expect(ok?.points[ok.points.length - 1][1]).toBeLessThan(65);
    expect(answer.panels.find(p => p.id === 'memory')?.series).toHaveLength(2);
  });

  it('reads a Deployment and its pods from the cluster with the portal token', async () => {
    const labels = { 'app.kubernetes.io/name': probeId };
    await apps.createNamespacedDeployment({
      namespace: NAMESPACE,
      body: {
        metadata: { name: probeId, labels },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          template: {
            metadata: {
              labels,
              annotations: { 'kaml-d.io/sim-outcome': 'crashloop' },
            },
            spec: {
              containers: [{ name: 'predictor', image: 'kaml-d/probe:1' }],
            },
          },
        },
      },
    });
    let answer = await service.observe(
      { kind: 'model', namespace: 'default', name: 'probe' },
      '15m',
      credentials,
    );
    for (
      let i = 0;
      i < 30 &&
      !answer.workloads.some(
        w => w.kind === 'Pod' && w.phase === 'CrashLoopBackOff',
      );
      i++
    ) {
      await new Promise(resolve => setTimeout(resolve, 1000));
      answer = await service.observe(
        { kind: 'model', namespace: 'default', name: 'probe' },
        '15m',
        credentials,
      );
    }
    expect(answer.errors).toEqual([]);
    expect(answer.workloads.find(w => w.kind === 'Deployment')).toMatchObject({
      name: probeId,
      phase: '0/1 ready',
      healthy: false,
    });
    expect(answer.workloads.find(w => w.kind === 'Pod')).toMatchObject({
      phase: 'CrashLoopBackOff',
      healthy: false,
    });
    expect(answer.headline.status).toBe('down');
  }, 60_000);

  it('lists the kwok GPU node with its two GPUs on the SRE overview, and the fixture alerts linked to their model', async () => {
    const overview = await service.overview(credentials);
    expect(overview.errors).toEqual([]);
    expect(overview.nodes.find(n => n.name === 'kwok-gpu-0')).toMatchObject({
      cluster: 'rig',
      ready: true,
      gpuAllocatable: 2,
    });
    expect(
      overview.alerts
        .filter(a => a.entityRef === 'model:default/voice-classifier')
        .map(a => a.name)
        .sort(),
    ).toEqual(['KamlModelHighErrorRate', 'KamlModelHighLatency']);
  });
});
