import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { OutgoingHttpHeaders } from 'node:http';
import { RequestOptions } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { KubeConfig } from '@kubernetes/client-node';
import {
  LEGACY_OBSERVED_CLUSTERS_WARNING,
  readKamlDClusterAccess,
  readKamlDObservedClusters,
} from './clusterAccess';
import { buildKamlDKubeConfig } from './kubeConfig';

const PEM =
  '-----BEGIN CERTIFICATE-----\nMIIBkTCB+wIJAKHHIG11kO6OMA0GCSqGSIb3DQEBCwUAMA0xCzAJBgNVBAMMAmNh\n-----END CERTIFICATE-----\n';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kaml-clusters-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The Authorization header the client would send. */
async function authorization(kc: KubeConfig): Promise<unknown> {
  const options: RequestOptions = {};
  await kc.applyToHTTPSOptions(options);
  const headers = options.headers as OutgoingHttpHeaders | undefined;
  return headers?.Authorization;
}

/** The Kubernetes plugin's clusters, as an adopter already has them. */
const kubernetes = {
  clusterLocatorMethods: [
    { type: 'catalog' },
    {
      type: 'config',
      clusters: [
        {
          name: 'ml-prod',
          url: 'https://ml.example.com',
          authProvider: 'serviceAccount',
          serviceAccountToken: 'plugin-token',
          caData: PEM,
        },
        {
          name: 'ml-edge',
          url: 'https://edge.example.com',
          authProvider: 'serviceAccount',
          serviceAccountToken: 'edge-token',
          skipTLSVerify: true,
        },
        { name: 'in-pod', url: 'https://kubernetes.default.svc' },
        {
          name: 'oidc-only',
          url: 'https://other.example.com',
          authProvider: 'oidc',
        },
      ],
    },
  ],
};

function environment(env: Record<string, string> = {}) {
  return { env, serviceAccountDir: join(dir, 'sa'), homeDir: dir };
}

describe('readKamlDClusterAccess', () => {
  it('is undefined without kamlD.workloadCluster, whatever the Kubernetes plugin knows', () => {
    expect(
      readKamlDClusterAccess(new ConfigReader({ kubernetes }), environment()),
    ).toBeUndefined();
  });

  it("uses the Kubernetes plugin's cluster named by kamlD.workloadCluster and its kamlD.clusters namespaces", async () => {
    const warn = jest.fn();
    const access = readKamlDClusterAccess(
      new ConfigReader({
        kubernetes,
        kamlD: {
          workloadCluster: 'ml-prod',
          clusters: { 'ml-prod': { trainingNamespace: 'ml-train' } },
        },
      }),
      { ...environment(), logger: { warn } },
    )!;
    expect(access.source).toBe('cluster');
    expect(access.server).toBe('https://ml.example.com');
    expect(access.description).toBe('Kubernetes plugin cluster "ml-prod"');
    expect(access.trainingNamespace).toBe('ml-train');
    expect(access.modelsNamespace).toBe('kaml-d-models');
    expect(await authorization(access.kubeConfig)).toBe('Bearer plugin-token');
    expect(
      Buffer.from(
        access.kubeConfig.getCurrentCluster()!.caData!,
        'base64',
      ).toString(),
    ).toBe(PEM);
    expect(warn).not.toHaveBeenCalled();
  });

  it("uses the pod's mounted token for a cluster without serviceAccountToken, as the Kubernetes plugin does", async () => {
    const config = new ConfigReader({
      kubernetes,
      kamlD: { workloadCluster: 'in-pod' },
    });
    expect(() => readKamlDClusterAccess(config, environment())).toThrow(
      `kubernetes cluster "in-pod" has no serviceAccountToken, so KAML-D uses the pod's service account token, but ${join(
        dir,
        'sa',
        'token',
      )} does not exist`,
    );
    mkdirSync(join(dir, 'sa'));
    writeFileSync(join(dir, 'sa', 'token'), 'projected-token');
    writeFileSync(join(dir, 'sa', 'ca.crt'), PEM);
    const access = readKamlDClusterAccess(config, environment())!;
    expect(access.server).toBe('https://kubernetes.default.svc');
    expect(await authorization(access.kubeConfig)).toBe(
      'Bearer projected-token',
    );
  });

  it('names what to change for an unknown cluster, another auth provider, a misspelt options key or a bad namespace', () => {
    const read = (kamlD: JsonObject) => () =>
      readKamlDClusterAccess(
        new ConfigReader({ kubernetes, kamlD }),
        environment(),
      );
    expect(read({ workloadCluster: 'staging' })).toThrow(
      'kamlD.workloadCluster "staging" is not among the clusters configured for the Kubernetes plugin (kubernetes.clusterLocatorMethods, type config): ml-prod, ml-edge, in-pod, oidc-only',
    );
    expect(read({ workloadCluster: 'oidc-only' })).toThrow(
      'kamlD.workloadCluster "oidc-only" uses authProvider oidc',
    );
    expect(
      read({ workloadCluster: 'ml-prod', clusters: { 'ml-prd': {} } }),
    ).toThrow(
      'kamlD.clusters.ml-prd: "ml-prd" is not among the clusters configured for the Kubernetes plugin',
    );
    expect(
      read({
        workloadCluster: 'ml-prod',
        clusters: { 'ml-prod': { modelsNamespace: 'Models' } },
      }),
    ).toThrow(
      'kamlD.clusters.ml-prod.modelsNamespace "Models" is not a valid namespace name',
    );
  });
});

describe('readKamlDObservedClusters', () => {
  it('reads the workload cluster and every kamlD.clusters entry, except those with observe: false', async () => {
    const clusters = readKamlDObservedClusters(
      new ConfigReader({
        kubernetes,
        kamlD: {
          workloadCluster: 'ml-prod',
          clusters: { 'ml-edge': {}, 'in-pod': { observe: false } },
        },
      }),
      environment(),
    );
    expect(clusters.map(c => [c.name, c.server])).toEqual([
      ['ml-edge', 'https://edge.example.com'],
      ['ml-prod', 'https://ml.example.com'],
    ]);
    expect(await authorization(clusters[0].kubeConfig)).toBe(
      'Bearer edge-token',
    );
    expect(clusters[0].kubeConfig.getCurrentCluster()!.skipTLSVerify).toBe(
      true,
    );
    expect(
      readKamlDObservedClusters(
        new ConfigReader({
          kubernetes,
          kamlD: {
            workloadCluster: 'ml-prod',
            clusters: { 'ml-prod': { observe: false } },
          },
        }),
        environment(),
      ),
    ).toEqual([]);
  });

  it('still reads the deprecated kamlD.observation.kubernetes.clusters, with a warning naming the new keys', async () => {
    const warn = jest.fn();
    const clusters = readKamlDObservedClusters(
      new ConfigReader({
        kubernetes,
        kamlD: {
          workloadCluster: 'ml-prod',
          observation: {
            kubernetes: {
              clusters: [
                { name: 'old', url: 'https://old.example.com', token: 'o' },
              ],
            },
          },
        },
      }),
      { ...environment(), logger: { warn } },
    );
    expect(clusters.map(c => c.name)).toEqual(['ml-prod', 'old']);
    expect(await authorization(clusters[1].kubeConfig)).toBe('Bearer o');
    expect(warn).toHaveBeenCalledWith(LEGACY_OBSERVED_CLUSTERS_WARNING);
    expect(LEGACY_OBSERVED_CLUSTERS_WARNING).toContain(
      'kubernetes.clusterLocatorMethods',
    );
    expect(LEGACY_OBSERVED_CLUSTERS_WARNING).toContain('kamlD.clusters');
  });

  it('refuses a deprecated entry with the name of a cluster already read', () => {
    expect(() =>
      readKamlDObservedClusters(
        new ConfigReader({
          kubernetes,
          kamlD: {
            workloadCluster: 'ml-prod',
            observation: {
              kubernetes: {
                clusters: [{ name: 'ml-prod', url: 'https://x.example.com' }],
              },
            },
          },
        }),
        environment(),
      ),
    ).toThrow(
      'kamlD.observation.kubernetes.clusters names "ml-prod", which kamlD.clusters or kamlD.workloadCluster already reads',
    );
  });
});

describe('buildKamlDKubeConfig', () => {
  it('takes a CA as PEM or base64 of the PEM, and names a setting that is not a URL', () => {
    for (const caData of [PEM, Buffer.from(PEM).toString('base64')]) {
      const kc = buildKamlDKubeConfig({
        name: 'c',
        url: 'https://c.example.com',
        caData,
        where: 'test',
      });
      expect(
        Buffer.from(kc.getCurrentCluster()!.caData!, 'base64').toString(),
      ).toBe(PEM);
    }
    expect(() =>
      buildKamlDKubeConfig({ name: 'c', url: 'ftp://c', where: 'test' }),
    ).toThrow('test.url "ftp://c" must be an https:// (or http://) URL');
    expect(() =>
      buildKamlDKubeConfig({
        name: 'c',
        url: 'https://c',
        caFile: join(dir, 'missing.pem'),
        caData: PEM,
        where: 'test',
      }),
    ).toThrow('test: set caFile or caData, not both');
  });
});
