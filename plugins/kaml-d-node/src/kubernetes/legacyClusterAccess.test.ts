import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { OutgoingHttpHeaders } from 'node:http';
import { RequestOptions } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { KubeConfig } from '@kubernetes/client-node';
import {
  CLUSTER_NOT_CONFIGURED_MESSAGE,
  LEGACY_CLUSTER_ACCESS_WARNING,
  readKamlDClusterAccess,
} from './clusterAccess';

const PEM =
  '-----BEGIN CERTIFICATE-----\nMIIBkTCB+wIJAKHHIG11kO6OMA0GCSqGSIb3DQEBCwUAMA0xCzAJBgNVBAMMAmNh\n-----END CERTIFICATE-----\n';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kaml-cluster-access-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function read(config: JsonObject, env: Record<string, string> = {}) {
  return readKamlDClusterAccess(new ConfigReader(config), {
    env,
    serviceAccountDir: join(dir, 'sa'),
    homeDir: join(dir, 'home'),
  });
}

/** The Authorization header the client would send. */
async function authorization(kc: KubeConfig): Promise<unknown> {
  const options: RequestOptions = {};
  await kc.applyToHTTPSOptions(options);
  const headers = options.headers as OutgoingHttpHeaders | undefined;
  return headers?.Authorization;
}

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
  - name: dev
    cluster: { server: 'https://dev.example.com:6443', insecure-skip-tls-verify: true }
  - name: prod
    cluster: { server: 'https://prod.example.com:6443', insecure-skip-tls-verify: true }
users:
  - name: dev-user
    user: { token: dev-token }
  - name: prod-user
    user: { token: prod-token }
contexts:
  - name: dev
    context: { cluster: dev, user: dev-user }
  - name: prod
    context: { cluster: prod, user: prod-user }
current-context: dev
`;

describe('readKamlDClusterAccess with the deprecated kamlD.kubernetes', () => {
  it('warns once per read that the key is deprecated, naming the keys that replace it', () => {
    const warn = jest.fn();
    const access = readKamlDClusterAccess(
      new ConfigReader({
        kamlD: { kubernetes: { url: 'https://k.example.com', token: 't' } },
      }),
      { logger: { warn } },
    );
    expect(access?.server).toBe('https://k.example.com');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(LEGACY_CLUSTER_ACCESS_WARNING);
    expect(LEGACY_CLUSTER_ACCESS_WARNING).toContain('kamlD.workloadCluster');
    expect(LEGACY_CLUSTER_ACCESS_WARNING).toContain(
      'kubernetes.clusterLocatorMethods',
    );
  });

  it('is refused together with kamlD.workloadCluster', () => {
    expect(() =>
      read({
        kamlD: {
          workloadCluster: 'rig',
          kubernetes: { url: 'https://k.example.com', token: 't' },
        },
      }),
    ).toThrow(
      'kamlD.workloadCluster and the deprecated kamlD.kubernetes are both set; remove kamlD.kubernetes',
    );
  });

  it('is undefined without kamlD.kubernetes', () => {
    expect(read({})).toBeUndefined();
  });

  describe('url + token', () => {
    it('uses the URL, the bearer token and the CA, with the default namespaces', async () => {
      const access = read({
        kamlD: {
          kubernetes: {
            url: 'https://kube.example.com:6443',
            token: 'sa-token',
            caData: Buffer.from(PEM).toString('base64'),
          },
        },
      })!;
      expect(access.source).toBe('token');
      expect(access.server).toBe('https://kube.example.com:6443');
      expect(access.trainingNamespace).toBe('kaml-d-training');
      expect(access.modelsNamespace).toBe('kaml-d-models');
      expect(await authorization(access.kubeConfig)).toBe('Bearer sa-token');
      expect(
        Buffer.from(
          access.kubeConfig.getCurrentCluster()!.caData!,
          'base64',
        ).toString(),
      ).toBe(PEM);
    });

    it('reads the CA from caFile and names an unreadable one', () => {
      writeFileSync(join(dir, 'ca.crt'), PEM);
      const access = read({
        kamlD: {
          kubernetes: {
            url: 'https://kube.example.com',
            token: 't',
            caFile: join(dir, 'ca.crt'),
          },
        },
      })!;
      expect(
        Buffer.from(
          access.kubeConfig.getCurrentCluster()!.caData!,
          'base64',
        ).toString(),
      ).toBe(PEM);
      expect(() =>
        read({
          kamlD: {
            kubernetes: {
              url: 'https://kube.example.com',
              token: 't',
              caFile: join(dir, 'missing.crt'),
            },
          },
        }),
      ).toThrow(/kamlD\.kubernetes\.caFile .*missing\.crt cannot be read/);
    });

    it('says which half is missing and refuses a URL that is not one', () => {
      expect(() =>
        read({ kamlD: { kubernetes: { url: 'https://kube.example.com' } } }),
      ).toThrow('kamlD.kubernetes: set both url and token (token is missing)');
      expect(() =>
        read({ kamlD: { kubernetes: { url: 'kube:6443x', token: 't' } } }),
      ).toThrow('kamlD.kubernetes.url "kube:6443x" must be an https://');
    });
  });

  describe('kubeconfig', () => {
    it('uses the named context of the given file', async () => {
      writeFileSync(join(dir, 'kubeconfig'), KUBECONFIG);
      const access = read({
        kamlD: {
          kubernetes: {
            kubeconfig: { path: join(dir, 'kubeconfig'), context: 'prod' },
            trainingNamespace: 'ml-train',
          },
        },
      })!;
      expect(access.source).toBe('kubeconfig');
      expect(access.server).toBe('https://prod.example.com:6443');
      expect(access.description).toContain('context prod');
      expect(access.trainingNamespace).toBe('ml-train');
      expect(await authorization(access.kubeConfig)).toBe('Bearer prod-token');
    });

    it('with `true` reads $KUBECONFIG and its current context', async () => {
      writeFileSync(join(dir, 'kubeconfig'), KUBECONFIG);
      const access = read(
        { kamlD: { kubernetes: { kubeconfig: true } } },
        { KUBECONFIG: join(dir, 'kubeconfig') },
      )!;
      expect(access.server).toBe('https://dev.example.com:6443');
      expect(await authorization(access.kubeConfig)).toBe('Bearer dev-token');
    });

    it('with `true` and no $KUBECONFIG reads ~/.kube/config', () => {
      mkdirSync(join(dir, 'home', '.kube'), { recursive: true });
      writeFileSync(join(dir, 'home', '.kube', 'config'), KUBECONFIG);
      expect(
        read({ kamlD: { kubernetes: { kubeconfig: true } } })!.server,
      ).toBe('https://dev.example.com:6443');
    });

    it('names a missing file and lists the contexts of a file without the wanted one', () => {
      expect(() =>
        read({ kamlD: { kubernetes: { kubeconfig: join(dir, 'nope') } } }),
      ).toThrow(
        /the kubeconfig file .*nope does not exist; set kamlD\.kubernetes\.kubeconfig\.path/,
      );
      writeFileSync(join(dir, 'kubeconfig'), KUBECONFIG);
      expect(() =>
        read({
          kamlD: {
            kubernetes: {
              kubeconfig: { path: join(dir, 'kubeconfig'), context: 'staging' },
            },
          },
        }),
      ).toThrow(
        'kamlD.kubernetes.kubeconfig.context "staging" is not in ' +
          `${join(dir, 'kubeconfig')}; its contexts are: dev, prod`,
      );
    });
  });

  describe('inCluster', () => {
    it("uses the pod's API server variables and mounted service account token", async () => {
      mkdirSync(join(dir, 'sa'));
      writeFileSync(join(dir, 'sa', 'token'), 'projected-token');
      writeFileSync(join(dir, 'sa', 'ca.crt'), PEM);
      const access = read(
        { kamlD: { kubernetes: { inCluster: true } } },
        {
          KUBERNETES_SERVICE_HOST: '10.96.0.1',
          KUBERNETES_SERVICE_PORT: '443',
        },
      )!;
      expect(access.source).toBe('inCluster');
      expect(access.server).toBe('https://10.96.0.1:443');
      expect(await authorization(access.kubeConfig)).toBe(
        'Bearer projected-token',
      );
    });

    it('says the backend is not in a pod, or that the token is not mounted', () => {
      expect(() =>
        read({ kamlD: { kubernetes: { inCluster: true } } }),
      ).toThrow(
        'kamlD.kubernetes.inCluster is true but KUBERNETES_SERVICE_HOST/KUBERNETES_SERVICE_PORT are not set',
      );
      expect(() =>
        read(
          { kamlD: { kubernetes: { inCluster: true } } },
          {
            KUBERNETES_SERVICE_HOST: '10.96.0.1',
            KUBERNETES_SERVICE_PORT: '443',
          },
        ),
      ).toThrow(/token does not exist: mount the service account token/);
    });
  });

  describe('cluster of the Kubernetes plugin', () => {
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
              name: 'oidc-only',
              url: 'https://other.example.com',
              authProvider: 'oidc',
            },
            { name: 'no-token', url: 'https://bare.example.com' },
          ],
        },
      ],
    };

    it('uses the named configured cluster with its service account token', async () => {
      const access = read({
        kamlD: { kubernetes: { cluster: 'ml-prod' } },
        kubernetes,
      })!;
      expect(access.source).toBe('cluster');
      expect(access.server).toBe('https://ml.example.com');
      expect(access.description).toBe('Kubernetes plugin cluster "ml-prod"');
      expect(await authorization(access.kubeConfig)).toBe(
        'Bearer plugin-token',
      );
    });

    it('lists the configured names for an unknown one and refuses clusters without a token', () => {
      expect(() =>
        read({ kamlD: { kubernetes: { cluster: 'staging' } }, kubernetes }),
      ).toThrow(
        'kamlD.kubernetes.cluster "staging" is not among the clusters configured for the Kubernetes plugin (kubernetes.clusterLocatorMethods, type config): ml-prod, oidc-only, no-token',
      );
      expect(() =>
        read({ kamlD: { kubernetes: { cluster: 'oidc-only' } }, kubernetes }),
      ).toThrow('uses authProvider oidc');
      expect(() =>
        read({ kamlD: { kubernetes: { cluster: 'no-token' } }, kubernetes }),
      ).toThrow('kubernetes cluster "no-token" has no serviceAccountToken');
    });
  });

  it('refuses two ways at once and a block with none', () => {
    expect(() =>
      read({
        kamlD: {
          kubernetes: {
            url: 'https://kube.example.com',
            token: 't',
            inCluster: true,
          },
        },
      }),
    ).toThrow(
      'kamlD.kubernetes sets url + token and inCluster; keep exactly one way of reaching the cluster',
    );
    expect(() =>
      read({ kamlD: { kubernetes: { trainingNamespace: 'x' } } }),
    ).toThrow(CLUSTER_NOT_CONFIGURED_MESSAGE);
  });

  it('refuses a namespace that is not a DNS-1123 label', () => {
    expect(() =>
      read({
        kamlD: {
          kubernetes: {
            url: 'https://kube.example.com',
            token: 't',
            modelsNamespace: 'Models_NS',
          },
        },
      }),
    ).toThrow(
      'kamlD.kubernetes.modelsNamespace "Models_NS" is not a valid namespace name',
    );
  });
});
