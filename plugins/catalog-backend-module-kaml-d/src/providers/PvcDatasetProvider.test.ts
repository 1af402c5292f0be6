import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { mockServices } from '@backstage/backend-test-utils';
import {
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { PvcDatasetProvider } from './PvcDatasetProvider';

class RecordingConnection implements EntityProviderConnection {
  readonly mutations: EntityProviderMutation[] = [];
  async applyMutation(mutation: EntityProviderMutation) {
    this.mutations.push(mutation);
  }
  async refresh() {}
}

function claim(
  namespace: string,
  name: string,
  label: string,
  annotations: Record<string, string> = {},
): V1PersistentVolumeClaim {
  return {
    metadata: {
      namespace,
      name,
      labels: { 'kaml-d.io/dataset': label },
      annotations,
    },
    spec: { storageClassName: 'ceph-rbd' },
    status: { phase: 'Bound', capacity: { storage: '2Gi' } },
  };
}

function create(
  claims: V1PersistentVolumeClaim[],
  config: JsonObject = { volumes: { cluster: 'rig' } },
) {
  return PvcDatasetProvider.fromConfig(new ConfigReader({ kamlD: config }), {
    logger: mockServices.logger.mock(),
    auth: mockServices.auth(),
    catalog: catalogServiceMock({ entities: [] }),
    schedule: { run: jest.fn(async () => {}) },
    lister: async () => claims,
  });
}

describe('PvcDatasetProvider', () => {
  it('makes a Dataset of each labelled claim, named by the label, filled from its annotations', async () => {
    const provider = create([
      claim('kaml-d-training', 'traffic-vol', 'traffic-images', {
        'kaml-d.io/title': 'Traffic camera frames',
        'kaml-d.io/owner': 'group:default/vision',
        'kaml-d.io/format': 'images',
      }),
      claim('kaml-d-project-demo', 'scratch', 'scratch'),
    ])!;
    const connection = new RecordingConnection();
    await provider.connect(connection);
    expect(await provider.refresh()).toEqual({ datasets: 2, skipped: 0 });
    expect(provider.getProviderName()).toBe('kaml-d-pvc:rig');
    const [mutation] = connection.mutations;
    const entities =
      mutation.type === 'full' ? mutation.entities.map(e => e.entity) : [];
    expect(entities.map(e => [e.metadata.name, e.spec?.location])).toEqual([
      ['scratch', 'pvc://rig/kaml-d-project-demo/scratch'],
      ['traffic-images', 'pvc://rig/kaml-d-training/traffic-vol'],
    ]);
    expect(entities[1]).toMatchObject({
      kind: 'Dataset',
      metadata: { title: 'Traffic camera frames' },
      spec: {
        owner: 'group:default/vision',
        format: 'images',
        size: { bytes: 2 * 2 ** 30 },
      },
    });
    expect(entities[0]).toMatchObject({
      metadata: {
        description:
          'PersistentVolumeClaim kaml-d-project-demo/scratch on cluster rig (ceph-rbd).',
      },
      spec: { owner: 'unknown', format: 'binary' },
    });
  });

  it('keeps the first claim when two name the same dataset', async () => {
    const provider = create([
      claim('b', 'one', 'shared'),
      claim('a', 'two', 'shared'),
    ])!;
    const connection = new RecordingConnection();
    await provider.connect(connection);
    expect(await provider.refresh()).toEqual({ datasets: 1, skipped: 1 });
    const [mutation] = connection.mutations;
    expect(
      mutation.type === 'full' && mutation.entities[0].entity.spec?.location,
    ).toBe('pvc://rig/a/two');
  });

  it('is off without kamlD.volumes, and without a workload cluster (kamlD.workloadCluster) when it would read the cluster', () => {
    expect(create([], {})).toBeUndefined();
    expect(
      PvcDatasetProvider.fromConfig(
        new ConfigReader({ kamlD: { volumes: {} } }),
        {
          logger: mockServices.logger.mock(),
          auth: mockServices.auth(),
          catalog: catalogServiceMock({ entities: [] }),
          schedule: { run: jest.fn(async () => {}) },
        },
      ),
    ).toBeUndefined();
  });
});
