import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { KAML_D_DATASET_EVENTS_TOPIC } from '@kaml-d/plugin-kaml-d-node';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ObjectStoreDatasetProvider } from './ObjectStoreDatasetProvider';
import { RecordingConnection } from './__testUtils__/recordingConnection';

const bucket = 'kaml-datasets';

describe('ObjectStoreDatasetProvider: changes in the store within seconds', () => {
  let root: string;
  let provider: ObjectStoreDatasetProvider;
  let connection: RecordingConnection;

  const write = (key: string, body: string) => {
    const path = join(root, bucket, key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, body);
  };

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'kaml-feed-'));
    write('weather/2024.csv', 'day,temp\n1,3\n');
    const config = new ConfigReader({
      kamlD: { storage: { adapter: 'file', file: { root } } },
      catalog: {
        providers: {
          kamlD: {
            objectStore: [{ id: 'local', location: `s3://${bucket}/` }],
          },
        },
      },
    });
    [provider] = ObjectStoreDatasetProvider.fromConfig(config, {
      logger: mockServices.logger.mock(),
      auth: mockServices.auth(),
      catalog: catalogServiceMock({ entities: [] }),
      schedule: { run: jest.fn(async () => {}) },
    });
    connection = new RecordingConnection();
    await provider.connect(connection);
    await provider.refresh();
  });

  afterEach(() => {
    provider.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('adds a folder copied into the file store without waiting for a full scan', async () => {
    write('taxi-trips/2024-01.csv', 'trip,km\n1,2.5\n');
    const delta = await connection.delta(m =>
      m.added.some(a => a.entity.metadata.name === 'taxi-trips'),
    );
    const entity = delta.added.find(
      a => a.entity.metadata.name === 'taxi-trips',
    )!.entity;
    expect(entity.spec).toMatchObject({
      location: 's3://kaml-datasets/taxi-trips/',
      format: 'csv',
    });
    expect(entity.metadata.annotations?.['kaml-d.io/object-count']).toBe('1');
    // only one full scan ran: the one of the test's start
    expect(connection.mutations.filter(m => m.type === 'full')).toHaveLength(1);
  });

  it('removes the dataset of a folder that was deleted, and ignores hidden folders', async () => {
    write('.kaml-d-snapshots/x/blob', 'frozen bytes');
    rmSync(join(root, bucket, 'weather'), { recursive: true, force: true });
    const delta = await connection.delta(m =>
      m.removed.some(
        r => 'entityRef' in r && r.entityRef === 'dataset:default/weather',
      ),
    );
    expect(delta.added).toEqual([]);
    const names = connection.mutations.flatMap(m =>
      m.type === 'delta' ? m.added.map(a => a.entity.metadata.name) : [],
    );
    expect(names).not.toContain('kaml-d-snapshots');
  });

  it('rescans one folder, or everything, when asked through the datasets topic', async () => {
    // a change the watcher cannot see (the feed is stopped): only a rescan finds it
    provider.close();
    write('weather/2025.csv', 'day,temp\n1,4\n');
    await provider.onEvent({
      topic: KAML_D_DATASET_EVENTS_TOPIC,
      eventPayload: {
        action: 'rescan',
        location: 's3://kaml-datasets/weather/',
        requestedBy: 'user:default/alice',
      },
    });
    const delta = await connection.delta(m =>
      m.added.some(
        a =>
          a.entity.metadata.name === 'weather' &&
          a.entity.metadata.annotations?.['kaml-d.io/object-count'] === '2',
      ),
    );
    expect(delta.removed).toEqual([]);

    await provider.onEvent({
      topic: KAML_D_DATASET_EVENTS_TOPIC,
      eventPayload: { action: 'rescan', requestedBy: 'user:default/alice' },
    });
    expect(connection.mutations.filter(m => m.type === 'full')).toHaveLength(2);
  });
});
