import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { DeferredEntity } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { EventsService } from '@backstage/plugin-events-node';
import {
  DatasetUploadedEvent,
  FileStorageAdapter,
  KAML_D_DATASET_EVENTS_TOPIC,
} from '@kaml-d/plugin-kaml-d-node';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ObjectStoreDatasetProvider } from './ObjectStoreDatasetProvider';
import {
  bucket,
  declared,
  HOSTILE,
  localEvents,
  manifest,
  RecordingConnection,
  write,
} from '../__testUtils__/objectStore';

describe('ObjectStoreDatasetProvider', () => {
  let root: string;
  const schedule = { run: jest.fn(async () => {}) };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'kaml-provider-'));
    write(root, 'finance-transactions/2024-q1.csv', 'a,b\n1,2\n');
    write(root, 'Traffic Counts/2024/03.csv', 'station,count\ns1,10\n');
    write(root, 'Traffic Counts/2024/04.csv', 'station,count\ns1,11\ns2,12\n');
    write(root, 'traffic counts/.hidden', 'x');
    write(root, 'clickstream/day-1.jsonl', '{"user":"u","n":1}\n');
    write(root, 'empty/.keep', '');
    write(root, 'top-level.csv', 'not,a,dataset\n');
    schedule.run.mockClear();
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function create(events?: EventsService, entities: Entity[] = [declared]) {
    const config = new ConfigReader({
      kamlD: {
        bindings: {
          trustedOrigins: [{ type: 'file', target: 'catalog/all.yaml' }],
        },
      },
      catalog: {
        providers: {
          kamlD: {
            objectStore: [
              {
                id: 'local',
                location: `s3://${bucket}/`,
                owner: 'data-engineering',
              },
            ],
          },
        },
      },
    });
    const [provider] = ObjectStoreDatasetProvider.fromConfig(config, {
      logger: mockServices.logger.mock(),
      auth: mockServices.auth(),
      catalog: catalogServiceMock({ entities }),
      schedule,
      events,
      adapter: new FileStorageAdapter(root),
    });
    return provider;
  }

  it('is built per config entry, named after its id, and schedules its scan', async () => {
    const provider = create();
    expect(provider.getProviderName()).toBe('kaml-d-object-store:local');
    await provider.connect(new RecordingConnection());
    expect(schedule.run).toHaveBeenCalledWith(
      expect.objectContaining({ id: 'kaml-d-object-store:local:refresh' }),
    );
  });

  it('attack: a Dataset from an untrusted location does not make discovery back off from a folder', async () => {
    const squatter: Entity = {
      ...declared,
      metadata: {
        name: 'mine',
        annotations: {
          'backstage.io/managed-by-location': HOSTILE,
          'backstage.io/managed-by-origin-location': HOSTILE,
        },
      },
      spec: { ...declared.spec, location: 's3://kaml-datasets/clickstream' },
    };
    const provider = create(undefined, [squatter]);
    const connection = new RecordingConnection();
    await provider.connect(connection);
    const result = await provider.refresh();
    expect(result).toEqual({ datasets: 3, declared: 0, failed: 0 });
    const mutation = connection.mutations[0];
    if (mutation.type !== 'full') throw new Error('expected a full mutation');
    expect(mutation.entities.map(e => e.entity.spec?.location)).toContain(
      's3://kaml-datasets/clickstream/',
    );
  });

  it('defers to an admin-bound Dataset that claims a folder, however it spells it, or the bucket root', async () => {
    for (const [location, skipped] of [
      ['s3://KAML-DATASETS//finance-transactions', 1],
      ['s3://kaml-datasets/', 5],
    ] as const) {
      const provider = create(undefined, [
        { ...declared, spec: { ...declared.spec, location } },
      ]);
      await provider.connect(new RecordingConnection());
      await expect(provider.refresh()).resolves.toMatchObject({
        declared: skipped,
      });
    }
  });

  it('emits one Dataset per folder with format and figures from the listing, skipping declared ones', async () => {
    const provider = create();
    const connection = new RecordingConnection();
    await provider.connect(connection);
    const result = await provider.refresh();
    expect(result).toEqual({ datasets: 2, declared: 1, failed: 0 });

    expect(connection.mutations).toHaveLength(1);
    const mutation = connection.mutations[0];
    if (mutation.type !== 'full') throw new Error('expected a full mutation');
    const byName = Object.fromEntries(
      mutation.entities.map((e: DeferredEntity) => [e.entity.metadata.name, e]),
    );
    expect(Object.keys(byName).sort()).toEqual([
      'clickstream',
      expect.stringMatching(/^traffic-counts-[0-9a-f]{8}$/),
    ]);

    const traffic = Object.values(byName).find(e =>
      e.entity.metadata.name.startsWith('traffic-counts'),
    )!;
    expect(traffic.locationKey).toBe('kaml-d-object-store:local');
    expect(traffic.entity).toMatchObject({
      apiVersion: 'kaml-d.io/v1alpha1',
      kind: 'Dataset',
      metadata: {
        title: 'Traffic Counts',
        annotations: {
          'kaml-d.io/discovered-by': 'kaml-d-object-store:local',
          'kaml-d.io/object-count': '2',
          'kaml-d.io/size-bytes': String(46),
          'backstage.io/managed-by-location':
            'kaml-d-object-store:local:s3://kaml-datasets/Traffic Counts/',
        },
      },
      spec: {
        owner: 'data-engineering',
        lifecycle: 'experimental',
        format: 'csv',
        location: 's3://kaml-datasets/Traffic Counts/',
        size: { bytes: 46, files: 2 },
      },
    });
    // the columns are read by the query engine when the catalog processes the entity
    // (DatasetSchemaProcessor, tested in module.test.ts); discovery opens no data file
    expect(traffic.entity.spec?.schema).toBeUndefined();
    expect(
      traffic.entity.metadata.annotations?.['kaml-d.io/schema-source'],
    ).toBeUndefined();
    expect(
      traffic.entity.metadata.annotations?.['kaml-d.io/last-modified'],
    ).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(byName.clickstream.entity.spec).toMatchObject({ format: 'jsonl' });
    expect(byName.clickstream.entity.spec?.schema).toBeUndefined();
  });

  it('takes the entity of a manifest and completes it with the listing', async () => {
    write(root, 'sales-2024/jan.csv', 'region,total\neu,3\n');
    write(
      root,
      'sales-2024/catalog-info.yaml',
      stringify(manifest('sales-2024', 's3://kaml-datasets/sales-2024/')),
    );
    const provider = create();
    const connection = new RecordingConnection();
    await provider.connect(connection);
    await provider.refresh();
    const mutation = connection.mutations[0];
    if (mutation.type !== 'full') throw new Error('expected a full mutation');
    const sales = mutation.entities.find(
      e => e.entity.metadata.name === 'sales-2024',
    )!.entity;
    expect(sales.metadata).toMatchObject({
      description: 'Uploaded sales',
      tags: ['sales'],
      labels: { team: 'bi' },
      annotations: { 'kaml-d.io/object-count': '1' },
    });
    expect(sales.spec).toMatchObject({
      owner: 'user:default/alice',
      size: { bytes: 18, files: 1 },
    });
    // a manifest without columns leaves them to the query engine, as for any discovered folder
    expect(sales.spec?.schema).toBeUndefined();
  });

  it('attack: never discovers the snapshot store or another dot-folder as a Dataset', async () => {
    // a snapshot was taken: its blobs (as the file store freezes them) and a copy-mode folder
    const adapter = new FileStorageAdapter(root);
    await adapter.freeze(
      bucket,
      'finance-transactions/2024-q1.csv',
      '.kaml-d-snapshots/blobs/',
    );
    write(
      root,
      '.kaml-d-snapshots/default/finance/snap-20261126t070102z-3f9a1c/2024-q1.csv',
      'a,b\n1,2\n',
    );
    write(root, '.kaml-partial-0a1b/part.csv', 'a,b\n1,2\n');
    write(root, '.staging/part.csv', 'a,b\n1,2\n');
    const events = localEvents();
    const provider = create(events);
    const connection = new RecordingConnection();
    await provider.connect(connection);
    const result = await provider.refresh();
    expect(result).toEqual({ datasets: 2, declared: 1, failed: 0 });
    const mutation = connection.mutations[0];
    if (mutation.type !== 'full') throw new Error('expected a full mutation');
    expect(
      mutation.entities.map((e: DeferredEntity) => e.entity.spec?.location),
    ).toEqual(
      [
        's3://kaml-datasets/Traffic Counts/',
        's3://kaml-datasets/clickstream/',
      ].sort(),
    );

    // nor from an upload event that names a manifest in it
    const entity = manifest(
      'snapshots',
      's3://kaml-datasets/.kaml-d-snapshots/',
    );
    write(root, '.kaml-d-snapshots/catalog-info.yaml', stringify(entity));
    await events.publish({
      topic: KAML_D_DATASET_EVENTS_TOPIC,
      eventPayload: {
        action: 'uploaded',
        entity,
        location: 's3://kaml-datasets/.kaml-d-snapshots/',
        bucket,
        manifestKey: '.kaml-d-snapshots/catalog-info.yaml',
        keys: ['x.csv'],
        uploadedBy: 'user:default/mallory',
      },
    });
    expect(connection.mutations).toHaveLength(1);
  });

  it('adds an uploaded dataset as a delta when its event arrives', async () => {
    const events = localEvents();
    const provider = create(events);
    const connection = new RecordingConnection();
    await provider.connect(connection);

    write(root, 'uploads-x/part-1.csv', 'k,v\na,1\n');
    const entity = manifest('uploads-x', 's3://kaml-datasets/uploads-x/');
    write(root, 'uploads-x/catalog-info.yaml', stringify(entity));
    const event: DatasetUploadedEvent = {
      action: 'uploaded',
      entity,
      location: 's3://kaml-datasets/uploads-x/',
      bucket,
      manifestKey: 'uploads-x/catalog-info.yaml',
      keys: ['part-1.csv'],
      uploadedBy: 'user:default/alice',
    };
    await events.publish({
      topic: KAML_D_DATASET_EVENTS_TOPIC,
      eventPayload: event,
    });
    // events of other buckets and of declared locations change nothing
    await events.publish({
      topic: KAML_D_DATASET_EVENTS_TOPIC,
      eventPayload: { ...event, bucket: 'elsewhere' },
    });
    write(root, 'finance-transactions/catalog-info.yaml', stringify(declared));
    await events.publish({
      topic: KAML_D_DATASET_EVENTS_TOPIC,
      eventPayload: {
        ...event,
        location: 's3://kaml-datasets/finance-transactions/',
        manifestKey: 'finance-transactions/catalog-info.yaml',
      },
    });

    expect(connection.mutations).toHaveLength(1);
    const mutation = connection.mutations[0];
    if (mutation.type !== 'delta') throw new Error('expected a delta mutation');
    expect(mutation.removed).toEqual([]);
    expect(mutation.added).toHaveLength(1);
    expect(mutation.added[0].locationKey).toBe('kaml-d-object-store:local');
    expect(mutation.added[0].entity).toMatchObject({
      metadata: {
        name: 'uploads-x',
        annotations: {
          'kaml-d.io/discovered-by': 'kaml-d-object-store:local',
          'kaml-d.io/object-count': '1',
        },
      },
      spec: { owner: 'user:default/alice', size: { bytes: 8, files: 1 } },
    });
  });

  it('fails fast on an entry without a bucket and builds nothing without entries', () => {
    const options = {
      logger: mockServices.logger.mock(),
      auth: mockServices.auth(),
      catalog: catalogServiceMock(),
      schedule,
    };
    expect(() =>
      ObjectStoreDatasetProvider.fromConfig(
        new ConfigReader({
          catalog: { providers: { kamlD: { objectStore: [{ id: 'x' }] } } },
        }),
        options,
      ),
    ).toThrow(/needs a bucket/);
    expect(
      ObjectStoreDatasetProvider.fromConfig(new ConfigReader({}), options),
    ).toEqual([]);
  });
});
