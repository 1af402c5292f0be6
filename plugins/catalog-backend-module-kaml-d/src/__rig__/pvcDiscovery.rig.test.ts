// PvcDatasetProvider against the rig's kube-apiserver with the portal's least-privilege
// ServiceAccount: a claim labelled kaml-d.io/dataset becomes a Dataset entity at
// pvc://<cluster>/<namespace>/<claim>; an unlabelled claim does not.
import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import {
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import {
  checkDatasetBinding,
  readDatasetBindingPolicy,
} from '@kaml-d/plugin-kaml-d-node';
import { PvcDatasetProvider } from '../providers/PvcDatasetProvider';
import { rigEnv } from './rigEnv';

jest.setTimeout(120_000);

class RecordingConnection implements EntityProviderConnection {
  readonly mutations: EntityProviderMutation[] = [];
  async applyMutation(mutation: EntityProviderMutation) {
    this.mutations.push(mutation);
  }
  async refresh() {}
}

const NS = 'kaml-d-project-demo';
const suffix = randomBytes(3).toString('hex');
const labelled = `disc-rig-${suffix}`;
const plain = `disc-rig-${suffix}-plain`;

describe('PvcDatasetProvider on the rig cluster', () => {
  const admin = new KubeConfig();
  admin.loadFromFile(rigEnv('KAML_RIG_KUBECONFIG_ADMIN'));
  const core = admin.makeApiClient(CoreV1Api);

  afterAll(async () => {
    for (const name of [labelled, plain]) {
      await core
        .deleteNamespacedPersistentVolumeClaim({ namespace: NS, name })
        .catch(() => undefined);
    }
  });

  it('discovers a labelled claim as a Dataset with its pvc:// location and annotations', async () => {
    for (const [name, labels, annotations] of [
      [
        labelled,
        { 'kaml-d.io/dataset': `frames-${suffix}` },
        {
          'kaml-d.io/title': 'Camera frames',
          'kaml-d.io/owner': 'group:default/vision',
          'kaml-d.io/format': 'images',
        },
      ],
      [plain, {}, {}],
    ] as const) {
      await core.createNamespacedPersistentVolumeClaim({
        namespace: NS,
        body: {
          metadata: { name, labels, annotations },
          spec: {
            accessModes: ['ReadWriteOnce'],
            storageClassName: rigEnv('KAML_RIG_STORAGE_CLASS'),
            resources: { requests: { storage: '1Gi' } },
          },
        },
      });
    }
    const config = new ConfigReader({
      kamlD: {
        kubernetes: {
          url: rigEnv('KAML_RIG_KUBE_URL'),
          token: rigEnv('KAML_RIG_KUBE_PORTAL_TOKEN'),
          caFile: rigEnv('KAML_RIG_KUBE_CA'),
        },
        volumes: { cluster: 'rig' },
      },
    });
    const provider = PvcDatasetProvider.fromConfig(config, {
      logger: mockServices.logger.mock(),
      auth: mockServices.auth(),
      catalog: catalogServiceMock({ entities: [] }),
      schedule: { run: async () => {} },
    })!;
    const connection = new RecordingConnection();
    await provider.connect(connection);
    await provider.refresh();
    const mutation = connection.mutations.at(-1)!;
    const entities =
      mutation.type === 'full' ? mutation.entities.map(e => e.entity) : [];
    const mine = entities.filter(e =>
      String((e.spec as { location?: string }).location).startsWith(
        `pvc://rig/${NS}/disc-rig-${suffix}`,
      ),
    );
    expect(mine).toHaveLength(1);
    // the catalog's binding rule (KamlDEntitiesProcessor) accepts it as discovered
    expect(
      checkDatasetBinding(mine[0], readDatasetBindingPolicy(config, {}), []),
    ).toMatchObject({ allowed: true, binding: { source: 'discovery' } });
    expect(mine[0]).toMatchObject({
      kind: 'Dataset',
      metadata: { name: `frames-${suffix}`, title: 'Camera frames' },
      spec: {
        location: `pvc://rig/${NS}/${labelled}`,
        owner: 'group:default/vision',
        format: 'images',
      },
    });
  });
});
