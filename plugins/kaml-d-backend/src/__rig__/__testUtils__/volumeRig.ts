import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { readDatasetBindingPolicy } from '@kaml-d/plugin-kaml-d-node';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
} from '@kubernetes/client-node';
import knexFactory, { Knex } from 'knex';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyDatabaseMigrations } from '../../database/migrations';
import { createAuditLogService } from '../../services/Audit';
import { createModelVersionsService } from '../../services/ModelVersions';
import {
  createQueryEngineService,
  readQueryConfig,
} from '../../services/QueryEngine';
import { createSnapshotsService } from '../../services/Snapshots';
import { volumeSnapshotsFromConfig } from '../../services/Snapshots/volumes';
import {
  createLinkSigner,
  createStorageService,
  readStorageConfig,
} from '../../services/Storage';
import { createStorageBindingsService } from '../../services/StorageBindings';
import { rigEnv } from '../rigEnv';

// The rig side of the pvc:// snapshot tests: a database of their own on the rig PostgreSQL, a
// labelled and an unlabelled claim in kaml-d-training, the snapshots service built as the
// backend builds it (the portal's least-privilege identity), and cleanup. Each test file calls
// useVolumeRig() once at its top level.

export const NS = 'kaml-d-training';
export const GROUP = 'snapshot.storage.k8s.io';

function connect(db: string): Knex {
  return knexFactory({
    client: 'pg',
    connection: {
      host: rigEnv('KAML_RIG_PG_HOST'),
      port: Number(rigEnv('KAML_RIG_PG_PORT')),
      user: rigEnv('KAML_RIG_PG_USER'),
      password: rigEnv('KAML_RIG_PG_PASSWORD'),
      database: db,
    },
    pool: { min: 0, max: 5 },
  });
}

function datasetEntity(name: string, claim: string) {
  return {
    apiVersion: 'kaml-d.io/v1alpha1',
    kind: 'Dataset',
    metadata: { name, namespace: 'default' },
    spec: {
      type: 'volume',
      owner: 'group:default/data',
      lifecycle: 'experimental',
      format: 'binary',
      location: `pvc://rig/${NS}/${claim}`,
    },
  };
}

export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
) {
  const end = Date.now() + 120_000;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 500));
  }
}

export function useVolumeRig() {
  const suffix = randomBytes(3).toString('hex');
  const dataset = `vol-rig-${suffix}`;
  const claimName = `vol-rig-${suffix}-data`;
  const unlabelled = `vol-rig-${suffix}-other`;
  const database = `kaml_d_vol_rig_${suffix}`;
  const adminConfig = new KubeConfig();
  adminConfig.loadFromFile(rigEnv('KAML_RIG_KUBECONFIG_ADMIN'));
  const core = adminConfig.makeApiClient(CoreV1Api);
  const custom = adminConfig.makeApiClient(CustomObjectsApi);
  const alice = mockCredentials.user('user:default/alice');
  const ref = { kind: 'dataset', namespace: 'default', name: dataset };
  const pgAdmin = connect(rigEnv('KAML_RIG_PG_DATABASE'));
  let db: Knex;
  let root: string;
  const restoredName = `${claimName}-v1`;

  beforeAll(async () => {
    await pgAdmin.raw('CREATE DATABASE ??', [database]);
    db = connect(database);
    await applyDatabaseMigrations(db);
    root = await mkdtemp(join(tmpdir(), 'kaml-vol-rig-'));
    for (const [name, labels] of [
      [claimName, { 'kaml-d.io/dataset': dataset }],
      [unlabelled, {}],
    ] as const) {
      await core.createNamespacedPersistentVolumeClaim({
        namespace: NS,
        body: {
          metadata: {
            name,
            labels: { ...labels, 'kaml-d.io/rig-test': 'volumes' },
          },
          spec: {
            accessModes: ['ReadWriteOnce'],
            storageClassName: rigEnv('KAML_RIG_STORAGE_CLASS'),
            resources: { requests: { storage: '1Gi' } },
          },
        },
      });
    }
  });

  afterAll(async () => {
    const list = (await custom
      .listNamespacedCustomObject({
        group: GROUP,
        version: 'v1',
        namespace: NS,
        plural: 'volumesnapshots',
        labelSelector: `kaml-d.io/dataset=${dataset}`,
      })
      .catch(() => ({ items: [] }))) as {
      items: Array<{ metadata: { name: string } }>;
    };
    for (const s of list.items) {
      await custom
        .deleteNamespacedCustomObject({
          group: GROUP,
          version: 'v1',
          namespace: NS,
          plural: 'volumesnapshots',
          name: s.metadata.name,
        })
        .catch(() => undefined);
    }
    for (const name of [restoredName, claimName, unlabelled]) {
      await core
        .deleteNamespacedPersistentVolumeClaim({ namespace: NS, name })
        .catch(() => undefined);
    }
    await db?.destroy();
    await pgAdmin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [database]);
    await pgAdmin.destroy();
    if (root) await rm(root, { recursive: true, force: true });
  });

  function rigConfig() {
    return new ConfigReader({
      kamlD: {
        storage: { adapter: 'file', file: { root } },
        kubernetes: {
          url: rigEnv('KAML_RIG_KUBE_URL'),
          token: rigEnv('KAML_RIG_KUBE_PORTAL_TOKEN'),
          caFile: rigEnv('KAML_RIG_KUBE_CA'),
        },
        volumes: {
          cluster: 'rig',
          snapshotClass: rigEnv('KAML_RIG_SNAPSHOT_CLASS'),
        },
      },
    });
  }

  function services() {
    const entities = [
      datasetEntity(dataset, claimName),
      datasetEntity(`${dataset}-x`, unlabelled),
    ];
    const catalog = catalogServiceMock({ entities });
    const permissions = mockServices.permissions.mock();
    permissions.authorize.mockImplementation(async reqs =>
      reqs.map(() => ({ result: AuthorizeResult.ALLOW })),
    );
    const config = rigConfig();
    const audit = createAuditLogService({ db });
    const snapshots = createSnapshotsService({
      db,
      catalog,
      permissions,
      audit,
      logger: mockServices.logger.mock(),
      storage: createStorageService({
        config: readStorageConfig(config),
        cache: {} as never,
        discovery: mockServices.discovery(),
        signer: createLinkSigner(async () => Buffer.from('secret')),
      }),
      engines: createQueryEngineService({
        config: readQueryConfig(new ConfigReader({})),
      }),
      bindings: createStorageBindingsService({
        policy: readDatasetBindingPolicy(config, {}),
        catalog,
        auth: {
          getOwnServiceCredentials: async () => ({}),
        } as unknown as AuthService,
      }),
      volumes: volumeSnapshotsFromConfig({ config, db, audit }),
    });
    const versions = createModelVersionsService({
      db,
      catalog: catalogServiceMock({
        entities: [
          ...entities,
          {
            apiVersion: 'kaml-d.io/v1alpha1',
            kind: 'Model',
            metadata: { name: `model-${suffix}`, namespace: 'default' },
            spec: { owner: 'group:default/data' },
          },
        ],
      }),
      permissions,
      audit,
    });
    return { snapshots, versions, audit };
  }

  /** Polls the list until snapshot `id` is complete (or fails the test if it failed). */
  async function completed(
    snapshots: ReturnType<typeof services>['snapshots'],
    id: string,
  ) {
    return until(`snapshot ${id} complete`, async () => {
      const found = (await snapshots.list(ref, alice)).find(s => s.id === id);
      if (found?.state === 'failed') {
        throw new Error(`snapshot ${id} failed: ${found.volume?.error}`);
      }
      return found?.state === 'complete' ? found : undefined;
    });
  }

  /**
   * Until the VolumeSnapshot is deleted: gone, or deletion under way (deletionTimestamp set:
   * the snapshot-controller then waits for the driver's snapshotter to release its content;
   * a stand-in started before it learnt that part leaves it there).
   */
  async function gone(name: string) {
    await until(`VolumeSnapshot ${name} deleted`, async () =>
      custom
        .getNamespacedCustomObject({
          group: GROUP,
          version: 'v1',
          namespace: NS,
          plural: 'volumesnapshots',
          name,
        })
        .then(
          (vs: { metadata?: { deletionTimestamp?: string } }) =>
            vs.metadata?.deletionTimestamp ? true : undefined,
          (error: { code?: number }) => (error.code === 404 ? true : undefined),
        ),
    );
  }

  return {
    suffix,
    dataset,
    claimName,
    restoredName,
    core,
    custom,
    alice,
    ref,
    db: () => db,
    rigConfig,
    services,
    completed,
    gone,
  };
}
