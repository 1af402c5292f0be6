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
import { applyDatabaseMigrations } from '../database/migrations';
import { createAuditLogService } from '../services/Audit';
import { createModelVersionsService } from '../services/ModelVersions';
import {
  createQueryEngineService,
  readQueryConfig,
} from '../services/QueryEngine';
import { createSnapshotsService } from '../services/Snapshots';
import { volumeSnapshotsFromConfig } from '../services/Snapshots/volumes';
import {
  createLinkSigner,
  createStorageService,
  readStorageConfig,
} from '../services/Storage';
import { createStorageBindingsService } from '../services/StorageBindings';
import { rigEnv } from './rigEnv';

// Snapshots of a pvc:// dataset through the snapshots service, against the rig's kube-apiserver
// with the upstream VolumeSnapshot CRDs and snapshot-controller (service `snapshots`; its CSI
// driver part is the rig's stand-in), the portal's least-privilege ServiceAccount and the rig
// PostgreSQL.

jest.setTimeout(240_000);

const NS = 'kaml-d-training';
const GROUP = 'snapshot.storage.k8s.io';
const suffix = randomBytes(3).toString('hex');
const dataset = `vol-rig-${suffix}`;
const claimName = `vol-rig-${suffix}-data`;
const unlabelled = `vol-rig-${suffix}-other`;
const database = `kaml_d_vol_rig_${suffix}`;

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

async function until<T>(what: string, probe: () => Promise<T | undefined>) {
  const end = Date.now() + 120_000;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 500));
  }
}

describe('pvc:// dataset snapshots on the rig cluster', () => {
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
    const config = new ConfigReader({
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

  it('takes a snapshot the real controller binds and the stand-in readies, lists, pins, restores into a new bound claim, audits', async () => {
    await until('the dataset claim Bound', async () => {
      const c = await core.readNamespacedPersistentVolumeClaim({
        namespace: NS,
        name: claimName,
      });
      return c.status?.phase === 'Bound' ? c : undefined;
    });
    const { snapshots, versions, audit } = services();

    const snap = await snapshots.create(
      ref,
      { message: 'before training' },
      alice,
    );
    expect(snap).toMatchObject({
      method: 'volume-snapshot',
      volume: {
        readyToUse: true,
        claim: claimName,
        namespace: NS,
        restoreSize: '1Gi',
      },
    });
    // the VolumeSnapshot the portal made, bound to a content the snapshot-controller made
    const vs = (await custom.getNamespacedCustomObject({
      group: GROUP,
      version: 'v1',
      namespace: NS,
      plural: 'volumesnapshots',
      name: snap.id,
    })) as {
      metadata: { labels: Record<string, string> };
      spec: Record<string, unknown>;
      status: { boundVolumeSnapshotContentName: string };
    };
    expect(vs.metadata.labels).toMatchObject({
      'kaml-d.io/dataset': dataset,
      'kaml-d.io/snapshot-id': snap.id,
    });
    expect(vs.spec).toMatchObject({
      source: { persistentVolumeClaimName: claimName },
      volumeSnapshotClassName: rigEnv('KAML_RIG_SNAPSHOT_CLASS'),
    });
    const content = (await custom.getClusterCustomObject({
      group: GROUP,
      version: 'v1',
      plural: 'volumesnapshotcontents',
      name: vs.status.boundVolumeSnapshotContentName,
    })) as {
      spec: {
        volumeSnapshotRef: { name: string; namespace: string };
        driver: string;
      };
      status: { readyToUse: boolean };
    };
    expect(content.spec.volumeSnapshotRef).toMatchObject({
      name: snap.id,
      namespace: NS,
    });
    expect(content.spec.driver).toBe(rigEnv('KAML_RIG_CSI_DRIVER'));
    expect(snap.volume?.content).toBe(vs.status.boundVolumeSnapshotContentName);

    const listed = await snapshots.list(ref, alice);
    expect(listed.map(s => [s.id, s.volume?.readyToUse])).toEqual([
      [snap.id, true],
    ]);

    // pinned to a model version by its id, like an object snapshot
    const model = {
      kind: 'model',
      namespace: 'default',
      name: `model-${suffix}`,
    };
    const version = await versions.register(
      model,
      {
        artifactUri: 's3://models/m/1/model.onnx',
        metrics: {},
        trainedOn: [
          { datasetRef: `dataset:default/${dataset}`, snapshotId: snap.id },
        ],
      },
      alice,
    );
    expect(version.version).toBe(1);

    const restored = await snapshots.restore(
      ref,
      snap.id,
      { claimName: restoredName },
      alice,
    );
    expect(restored.restoredClaim).toEqual({
      cluster: 'rig',
      namespace: NS,
      name: restoredName,
      location: `pvc://rig/${NS}/${restoredName}`,
      phase: 'Bound',
    });
    const claim = await core.readNamespacedPersistentVolumeClaim({
      namespace: NS,
      name: restoredName,
    });
    expect(claim.spec?.dataSource).toEqual({
      apiGroup: GROUP,
      kind: 'VolumeSnapshot',
      name: snap.id,
    });
    expect(claim.status?.phase).toBe('Bound');
    // the dataset's own claim is untouched, and a second restore under the same name is refused
    await expect(
      snapshots.restore(ref, snap.id, { claimName: restoredName }, alice),
    ).rejects.toThrow(/already exists/);

    const events = (
      await audit.list({ entityRef: `dataset:default/${dataset}` })
    ).items;
    expect(events.map(e => [e.action, e.outcome]).sort()).toEqual([
      ['dataset.snapshot.create', 'success'],
      ['dataset.snapshot.restore', 'success'],
    ]);
  });

  it('refuses a dataset whose claim does not carry its label, and creates no VolumeSnapshot', async () => {
    const { snapshots } = services();
    await expect(
      snapshots.create(
        { ...ref, name: `${dataset}-x` },
        { message: 'x' },
        alice,
      ),
    ).rejects.toThrow(
      /is not bound to dataset:default\/vol-rig-.*-x: its label kaml-d.io\/dataset is missing/,
    );
    const list = (await custom.listNamespacedCustomObject({
      group: GROUP,
      version: 'v1',
      namespace: NS,
      plural: 'volumesnapshots',
      labelSelector: `kaml-d.io/dataset=${dataset}-x`,
    })) as { items: unknown[] };
    expect(list.items).toEqual([]);
  });
});
