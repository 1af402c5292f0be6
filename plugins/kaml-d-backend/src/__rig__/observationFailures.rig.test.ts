import { CacheService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AppsV1Api, KubeConfig } from '@kubernetes/client-node';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import {
  createObservationService,
  readObservationConfig,
} from '../services/Observation';
import { rigEnv } from './rigEnv';

// Partial failure against the real servers, without touching the shared rig: an unreachable
// Prometheus or kube-apiserver is a closed local port, and the GPU join of the SRE page is proven
// on a Prometheus and exporter of this test's own (the fixture source as it is in the tree).

const NAMESPACE = 'kaml-d-models';
const credentials = mockCredentials.user('user:default/alice');

const noCache: CacheService = {
  get: async () => undefined,
  set: async () => undefined,
  delete: async () => undefined,
  withOptions: () => noCache,
};

// a workload of this test's own, so nobody else's view of the fixture models changes
const probeId = `obs-fail-probe-${randomBytes(3).toString('hex')}`;

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

/** A local port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

function serviceFor(options: { prometheusUrl: string; kubeUrl: string }) {
  const config = readObservationConfig(
    new ConfigReader({
      kamlD: {
        observation: {
          prometheus: [{ name: 'rig', url: options.prometheusUrl }],
          kubernetes: {
            clusters: [
              {
                name: 'rig',
                url: options.kubeUrl,
                token: rigEnv('KAML_RIG_KUBE_PORTAL_TOKEN'),
                caFile: rigEnv('KAML_RIG_KUBE_CA'),
              },
            ],
          },
          cacheSeconds: 1,
          timeoutMs: 3000,
        },
      },
    }),
  );
  return createObservationService({
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
}

const voice = { kind: 'model', namespace: 'default', name: 'voice-classifier' };

describe('Observation Hub with one of its sources unreachable', () => {
  const admin = new KubeConfig();
  admin.loadFromFile(rigEnv('KAML_RIG_KUBECONFIG_ADMIN'));
  const apps = admin.makeApiClient(AppsV1Api);
  const labels = { 'app.kubernetes.io/name': probeId };

  beforeAll(async () => {
    await apps.createNamespacedDeployment({
      namespace: NAMESPACE,
      body: {
        metadata: { name: probeId, labels },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              containers: [{ name: 'predictor', image: 'kaml-d/probe:1' }],
            },
          },
        },
      },
    });
  });
  afterAll(async () => {
    await apps
      .deleteNamespacedDeployment({ name: probeId, namespace: NAMESPACE })
      .catch(() => undefined);
  });

  it('Prometheus unreachable: the Kubernetes part still answers and errors[] says so', async () => {
    const port = await closedPort();
    const service = serviceFor({
      prometheusUrl: `http://127.0.0.1:${port}`,
      kubeUrl: rigEnv('KAML_RIG_KUBE_URL'),
    });
    const probe = { kind: 'model', namespace: 'default', name: 'probe' };
    let answer = await service.observe(probe, '15m', credentials);
    for (
      let i = 0;
      i < 20 && !answer.workloads.some(w => w.kind === 'Pod');
      i++
    ) {
      await new Promise(r => setTimeout(r, 1000));
      answer = await service.observe(probe, '15m', credentials);
    }
    expect(answer.errors.length).toBeGreaterThan(0);
    for (const e of answer.errors) {
      expect(e.source).toBe('prometheus');
      expect(e.message).toContain('Prometheus unreachable');
    }
    expect(answer.panels.every(p => p.series.length === 0)).toBe(true);
    // this test's Deployment and its pod, read from the kube-apiserver
    expect(answer.workloads.find(w => w.kind === 'Deployment')?.name).toBe(
      probeId,
    );
    expect(answer.workloads.some(w => w.kind === 'Pod')).toBe(true);

    const overview = await service.overview(credentials);
    expect(overview.errors.map(e => e.source)).toEqual(['prometheus']);
    expect(overview.errors[0].message).toContain('Prometheus unreachable');
    expect(overview.nodes.map(n => n.name)).toEqual(
      expect.arrayContaining(['kwok-cpu-0', 'kwok-gpu-0']),
    );
  }, 40_000);

  it('Kubernetes unreachable: the Prometheus part still answers and errors[] says so', async () => {
    const port = await closedPort();
    const service = serviceFor({
      prometheusUrl: rigEnv('KAML_RIG_PROMETHEUS_URL'),
      kubeUrl: `https://127.0.0.1:${port}`,
    });
    const answer = await service.observe(voice, '15m', credentials);
    expect(answer.workloads).toEqual([]);
    expect(answer.errors.map(e => e.source)).toEqual(['kubernetes']);
    expect(answer.errors[0].message).toContain(
      'Kubernetes cluster unreachable',
    );
    // the exporter's numbers still come through, with voice-classifier's firing alerts
    const errorRatio = answer.panels.find(p => p.id === 'errorRatio');
    const last = errorRatio?.series[0]?.points.at(-1)?.[1];
    expect(last).toBeGreaterThan(0.15);
    expect(last).toBeLessThan(0.5);
    expect(answer.alerts.map(a => a.name)).toContain('KamlModelHighErrorRate');

    const overview = await service.overview(credentials);
    expect(overview.nodes).toEqual([]);
    expect(overview.errors.map(e => e.source)).toEqual(['kubernetes']);
    expect(
      overview.alerts.some(
        a => a.entityRef === 'model:default/voice-classifier',
      ),
    ).toBe(true);
  });
});

describe('SRE overview GPU utilisation joined to the kwok GPU node', () => {
  const children: ChildProcess[] = [];
  let dir = '';

  afterAll(() => {
    for (const child of children) child.kill('SIGTERM');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reports for kwok-gpu-0 the mean DCGM_FI_DEV_GPU_UTIL the fixture exporter emits', async () => {
    const repo = resolvePackagePath('@kaml-d/plugin-kaml-d-backend', '../..');
    const exporterSource = resolve(repo, 'e2e/rig/exporter/exporter.ts');
    if (!existsSync('/usr/bin/prometheus') && !process.env.KAML_PROMETHEUS_BIN)
      throw new Error('a prometheus binary is needed (KAML_PROMETHEUS_BIN)');
    const exporterPort = await closedPort();
    const promPort = await closedPort();
    dir = mkdtempSync(join(tmpdir(), 'kaml-obs-rig-'));
    children.push(
      spawn(
        process.execPath,
        [exporterSource, '--host', '127.0.0.1', '--port', String(exporterPort)],
        { stdio: 'ignore' },
      ),
    );
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        'scrape_configs:',
        '  - job_name: kaml-fixture-exporter',
        '    static_configs:',
        `      - targets: ["127.0.0.1:${exporterPort}"]`,
        '',
      ].join('\n'),
    );
    children.push(
      spawn(
        process.env.KAML_PROMETHEUS_BIN ?? '/usr/bin/prometheus',
        [
          `--config.file=${join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${promPort}`,
        ],
        { stdio: 'ignore' },
      ),
    );
    const promUrl = `http://127.0.0.1:${promPort}`;
    // wait until the own Prometheus has scraped the own exporter
    let scraped = false;
    for (let i = 0; i < 60 && !scraped; i++) {
      await new Promise(r => setTimeout(r, 500));
      try {
        const res = await fetch(
          `${promUrl}/api/v1/query?query=${encodeURIComponent(
            'count(DCGM_FI_DEV_GPU_UTIL)',
          )}`,
        );
        const body = (await res.json()) as { data?: { result?: unknown[] } };
        scraped = (body.data?.result?.length ?? 0) > 0;
      } catch {
        // not listening yet
      }
    }
    expect(scraped).toBe(true);

    const service = serviceFor({
      prometheusUrl: promUrl,
      kubeUrl: rigEnv('KAML_RIG_KUBE_URL'),
    });
    const overview = await service.overview(credentials);
    // what the exporter emits right now, as Prometheus would average it per Hostname
    const metrics = await (
      await fetch(`http://127.0.0.1:${exporterPort}/metrics`)
    ).text();
    const values = metrics
      .split('\n')
      .filter(
        l =>
          l.startsWith('DCGM_FI_DEV_GPU_UTIL{') &&
          l.includes('Hostname="kwok-gpu-0"'),
      )
      .map(l => Number(l.slice(l.lastIndexOf(' ') + 1)));
    expect(values.length).toBeGreaterThan(0);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;

    expect(overview.errors).toEqual([]);
    const gpuNode = overview.nodes.find(n => n.name === 'kwok-gpu-0');
    expect(gpuNode?.gpuAllocatable).toBe(2);
    // one scrape apart at most: the series move a few percent per second
    expect(gpuNode?.gpuUtilisation).toBeGreaterThan(mean - 15);
    expect(gpuNode?.gpuUtilisation).toBeLessThan(mean + 15);
    expect(gpuNode?.gpuUtilisation).toBeGreaterThan(0);
    // the CPU node has no GPUs and no DCGM series
    expect(
      overview.nodes.find(n => n.name === 'kwok-cpu-0')?.gpuUtilisation,
    ).toBeUndefined();
  }, 60_000);
});
