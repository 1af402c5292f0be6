import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import { BackendFeature } from '@backstage/backend-plugin-api';
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startKamlDTestBackend,
  TEST_SEED_ORIGIN,
  testDataset,
} from './bindings';

/**
 * What the Metadata Hub route tests share: a storage root with CSV, Parquet, broken and image
 * datasets, the catalog's entities for them (one published from an untrusted location over
 * another team's folder), and the plugin over that root with file storage and DuckDB.
 */

export const ALICE = mockCredentials.user.header('user:default/alice');

const HOSTILE = 'url:https://git.example.com/mallory/catalog-info.yaml';
/** Discovers s3://kaml-datasets/ (the binding rule reads it from config). */
const DISCOVERY = {
  providers: {
    kamlD: { objectStore: [{ id: 'local', location: 's3://kaml-datasets/' }] },
  },
};

/** A Dataset in production, from the trusted test catalog file unless `origin` says otherwise. */
function dataset(
  name: string,
  format: string,
  location: string,
  origin = TEST_SEED_ORIGIN,
): Entity {
  return testDataset(name, format, {
    location,
    origin,
    lifecycle: 'production',
  });
}

/** Registers the storage root in the calling `describe` and returns the helpers. */
export function useMetadataHubBackend() {
  let root: string;
  const entities = () => [
    dataset(
      'sales',
      'csv',
      's3://kaml-datasets/sales/',
      'kaml-d-object-store:local:s3://kaml-datasets/sales/',
    ),
    // published from a registered url location over the sales folder, owned by its author
    {
      ...dataset('stolen', 'csv', 's3://KAML-DATASETS/./sales', HOSTILE),
      spec: {
        owner: 'user:default/alice',
        lifecycle: 'production',
        format: 'csv',
        location: 's3://KAML-DATASETS/./sales',
      },
    },
    dataset('readings', 'parquet', 's3://kaml-datasets/readings/'),
    dataset('broken', 'parquet', 's3://kaml-datasets/broken/'),
    dataset('photos', 'images', 's3://kaml-datasets/photos/'),
    dataset('outside', 'csv', 'file:///etc/'),
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'sales-api', namespace: 'default' },
      spec: {},
    },
  ];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'kaml-d-router-'));
    const bucket = join(root, 'storage', 'kaml-datasets');
    await mkdir(join(bucket, 'sales', '2024'), { recursive: true });
    await writeFile(
      join(bucket, 'sales', 'q1.csv'),
      'id,region,amount\n1,north,10.5\n2,south,20\n3,north,\n4,east,40\n',
    );
    await writeFile(
      join(bucket, 'sales', '2024', 'q2.csv'),
      'id,region,amount\n5,north,50\n6,west,60\n',
    );
    await mkdir(join(bucket, 'readings'), { recursive: true });
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    await connection.run(
      `COPY (SELECT i AS id, i % 7 AS station, i * 1.5 AS value FROM range(1, 2001) t(i)) TO '${join(
        bucket,
        'readings',
        'part-0.parquet',
      )}' (FORMAT parquet)`,
    );
    connection.closeSync();
    db.closeSync();
    await mkdir(join(bucket, 'broken'), { recursive: true });
    await writeFile(
      join(bucket, 'broken', 'data.parquet'),
      'this is not parquet',
    );
    await mkdir(join(bucket, 'photos'), { recursive: true });
    await writeFile(
      join(bucket, 'photos', 'a.png'),
      Buffer.from([137, 80, 78, 71]),
    );
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** The plugin over `root`; `kamlD` keys replace the defaults below (merged key by key). */
  async function start(
    options: {
      deny?: boolean;
      extra?: BackendFeature[];
      kamlD?: JsonObject;
    } = {},
  ) {
    const { server } = await startKamlDTestBackend({
      root,
      kamlD: { storage: { capacityBytes: 1000000 }, ...options.kamlD },
      config: { catalog: DISCOVERY },
      entities: entities(),
      features: [
        mockServices.permissions.factory({
          result: options.deny ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
        }),
        ...(options.extra ?? []),
      ],
    });
    return server;
  }

  return {
    start,
    /** The storage root of this file's tests. */
    root: () => root,
  };
}
