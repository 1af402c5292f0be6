import {
  TestDatabases,
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import express from 'express';
import {
  mkdtemp,
  mkdir,
  readFile,
  readdir,
  rename,
  rm,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { applyDatabaseMigrations } from '../../database/migrations';
import { createAuditLogService } from '../../services/Audit';
import {
  createLinkSigner,
  createStorageService,
  readStorageConfig,
} from '../../services/Storage';
import { createSnapshotsService } from '../../services/Snapshots';
import {
  createQueryEngineService,
  readQueryConfig,
} from '../../services/QueryEngine';
import { snapshotRoutes } from './snapshots';
import {
  testStorageBindings,
  TRUSTED_TEST_ANNOTATIONS,
} from '../../__testUtils__/bindings';

jest.setTimeout(60_000);

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter(e => e.isFile()).map(e => e.name);
}

async function pathsUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter(e => e.isFile()).map(e => join(e.parentPath, e.name));
}

const BASE = '/datasets/default/transactions/snapshots';

describe('snapshot routes (file store)', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'kaml-snap-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function setup(options: { deny?: string[] } = {}) {
    const db = await databases.init('SQLITE_3');
    await applyDatabaseMigrations(db);
    const data = join(root, 'datasets', 'transactions');
    await mkdir(join(data, '2024'), { recursive: true });
    await writeFile(join(data, 'a.csv'), 'id,amount\n1,10\n2,20\n');
    await writeFile(join(data, '2024', 'b.csv'), 'id,amount\n3,30\n');
    const entity = {
      apiVersion: 'kaml-d.io/v1alpha1',
      kind: 'Dataset',
      metadata: {
        name: 'transactions',
        namespace: 'default',
        annotations: TRUSTED_TEST_ANNOTATIONS,
      },
      spec: {
        type: 'table',
        owner: 'group:default/data',
        format: 'csv',
        location: `file://${data}/`,
      },
    };
    const config = mockServices.rootConfig({
      data: { kamlD: { storage: { adapter: 'file', file: { root } } } },
    });
    const storage = createStorageService({
      config: readStorageConfig(config),
      cache: mockServices.cache.mock(),
      discovery: mockServices.discovery(),
      signer: createLinkSigner(async () => Buffer.from('secret')),
    });
    const permissions = mockServices.permissions.mock();
    permissions.authorize.mockImplementation(async reqs =>
      reqs.map(r => ({
        result: options.deny?.includes(r.permission.name)
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
      })),
    );
    const audit = createAuditLogService({ db });
    const catalog = catalogServiceMock({ entities: [entity] });
    const snapshots = createSnapshotsService({
      bindings: testStorageBindings(catalog),
      db,
      catalog,
      permissions,
      storage,
      audit,
      logger: mockServices.logger.mock(),
      engines: createQueryEngineService({
        config: readQueryConfig(
          mockServices.rootConfig({
            data: {
              kamlD: { query: { duckdb: { cacheDir: join(root, 'cache') } } },
            },
          }),
        ),
      }),
    });
    const app = express();
    app.use(express.json());
    app.use(snapshotRoutes({ httpAuth: mockServices.httpAuth(), snapshots }));
    app.use(mockErrorHandler());
    return { app, db, data, audit, snapshots };
  }

  const alice = mockCredentials.user.header('user:default/alice');

  it('takes a content-addressed snapshot, diffs it against current and restores it', async () => {
    const { app, data, audit } = await setup();
    const created = await request(app)
      .post(BASE)
      .set('Authorization', alice)
      .send({ message: 'before cleaning' });
    expect(created.status).toBe(201);
    const snap = created.body;
    expect(snap).toMatchObject({
      entityRef: 'dataset:default/transactions',
      method: 'content-addressed',
      objectCount: 2,
      createdBy: 'user:default/alice',
      message: 'before cleaning',
      reason: 'manual',
    });
    expect(snap.digest).toMatch(/^sha256:[0-9a-f]{64}$/);

    // the snapshot folder is outside the dataset prefix's listing of data
    const manifest = await request(app)
      .get(`${BASE}/${snap.id}`)
      .set('Authorization', alice);
    expect(manifest.status).toBe(200);
    expect(manifest.body.objects.map((o: any) => o.path)).toEqual([
      '2024/b.csv',
      'a.csv',
    ]);

    // change one file (replace it like a writer would), remove one, add one
    await writeFile(join(data, 'a.csv.tmp'), 'id,amount\n1,11\n');
    await rm(join(data, 'a.csv'));
    await writeFile(join(data, 'a.csv'), 'id,amount,extra\n1,11,x\n');
    await rm(join(data, 'a.csv.tmp'));
    await rm(join(data, '2024', 'b.csv'));
    await writeFile(join(data, 'c.csv'), 'id,amount\n9,90\n');

    const diff = await request(app)
      .get(`${BASE}/diff?from=${snap.id}&to=current`)
      .set('Authorization', alice);
    expect(diff.status).toBe(200);
    expect(diff.body.added.map((o: any) => o.path)).toEqual(['c.csv']);
    expect(diff.body.removed.map((o: any) => o.path)).toEqual(['2024/b.csv']);
    expect(diff.body.changed.map((c: any) => c.path)).toEqual(['a.csv']);
    expect(diff.body.unchangedCount).toBe(0);
    // the query engine read both sides: a column appeared, 3 rows became 2
    expect(diff.body.schema).toEqual({
      added: [{ name: 'extra', type: 'VARCHAR' }],
      removed: [],
      changed: [],
    });
    expect(diff.body.rows).toEqual({ before: 3, after: 2 });
    expect(diff.body.tableUnreadable).toBeUndefined();

    const restored = await request(app)
      .post(`${BASE}/${snap.id}/restore`)
      .set('Authorization', alice)
      .send({ message: 'undo cleaning' });
    expect(restored.status).toBe(200);
    expect(restored.body.restored.id).toBe(snap.id);
    expect(restored.body.safetySnapshot).toMatchObject({
      reason: 'before-restore',
      objectCount: 2,
    });
    expect(await readFile(join(data, 'a.csv'), 'utf8')).toBe(
      'id,amount\n1,10\n2,20\n',
    );
    expect(await readFile(join(data, '2024', 'b.csv'), 'utf8')).toBe(
      'id,amount\n3,30\n',
    );
    expect((await readdir(data)).sort()).toEqual(['2024', 'a.csv']);

    // the safety snapshot still holds the state before the restore
    const safety = await request(app)
      .get(`${BASE}/diff?from=${restored.body.safetySnapshot.id}&to=current`)
      .set('Authorization', alice);
    expect(safety.body.removed.map((o: any) => o.path)).toEqual(['c.csv']);
    expect(safety.body.added.map((o: any) => o.path)).toEqual(['2024/b.csv']);
    expect(safety.body.schema.removed).toEqual([
      { name: 'extra', type: 'VARCHAR' },
    ]);
    expect(safety.body.rows).toEqual({ before: 2, after: 3 });

    // listed newest first, both complete
    const list = await request(app).get(BASE).set('Authorization', alice);
    expect(list.body.items.map((s: any) => s.id)).toEqual([
      restored.body.safetySnapshot.id,
      snap.id,
    ]);

    const events = await audit.list({
      entityRef: 'dataset:default/transactions',
    });
    expect(events.items.map(e => e.action)).toEqual([
      'dataset.snapshot.restore',
      'dataset.snapshot.create',
      'dataset.snapshot.create',
    ]);
  });

  it('shows no change when the restored state is diffed against the snapshot it came from', async () => {
    const { app, data } = await setup();
    const snap = (
      await request(app)
        .post(BASE)
        .set('Authorization', alice)
        .send({ message: 'good state' })
    ).body;
    // later: a.csv replaced (same size, other bytes), b.csv removed, c.csv added
    await writeFile(join(data, 'a.csv.tmp'), 'id,amount\n1,19\n2,29\n');
    await rename(join(data, 'a.csv.tmp'), join(data, 'a.csv'));
    await rm(join(data, '2024', 'b.csv'));
    await writeFile(join(data, 'c.csv'), 'id,amount\n9,90\n');
    const restored = await request(app)
      .post(`${BASE}/${snap.id}/restore`)
      .set('Authorization', alice)
      .send({});
    expect(restored.status).toBe(200);

    const back = await request(app)
      .get(`${BASE}/diff?from=${snap.id}&to=current`)
      .set('Authorization', alice);
    expect(back.status).toBe(200);
    expect({
      added: back.body.added,
      removed: back.body.removed,
      changed: back.body.changed,
      unchangedCount: back.body.unchangedCount,
      schema: back.body.schema,
      rows: back.body.rows,
    }).toEqual({
      added: [],
      removed: [],
      changed: [],
      unchangedCount: 2,
      schema: { added: [], removed: [], changed: [] },
      rows: { before: 3, after: 3 },
    });

    // a snapshot of the restored state holds the same files as the one restored
    const again = (
      await request(app)
        .post(BASE)
        .set('Authorization', alice)
        .send({ message: 'after restore' })
    ).body;
    const between = await request(app)
      .get(`${BASE}/diff?from=${snap.id}&to=${again.id}`)
      .set('Authorization', alice);
    expect(between.body.changed).toEqual([]);
    expect(between.body.unchangedCount).toBe(2);

    // replacing a restored file (as the portal's writes do) leaves the snapshot's bytes alone
    await writeFile(join(data, 'a.csv.tmp'), 'id,amount\n7,70\n');
    await rename(join(data, 'a.csv.tmp'), join(data, 'a.csv'));
    const changedAgain = await request(app)
      .get(`${BASE}/diff?from=${snap.id}&to=current`)
      .set('Authorization', alice);
    expect(changedAgain.body.changed.map((c: any) => c.path)).toEqual([
      'a.csv',
    ]);
    expect(changedAgain.body.rows).toEqual({ before: 3, after: 2 });
  });

  it('answers 404, 403 and 400 for unknown datasets and snapshots, missing permission and bad input', async () => {
    const { app } = await setup({ deny: ['kaml-d.dataset.snapshot.restore'] });
    await request(app)
      .get('/datasets/default/nope/snapshots')
      .set('Authorization', alice)
      .expect(404);
    const unknown = await request(app)
      .get(`${BASE}/snap-20260101t000000z-abcdef`)
      .set('Authorization', alice);
    expect(unknown.status).toBe(404);
    const bad = await request(app)
      .get(`${BASE}/..%2F..%2Fetc`)
      .set('Authorization', alice);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/snapshot id/);
    await request(app)
      .post(BASE)
      .set('Authorization', alice)
      .send({})
      .expect(400);
    const snap = await request(app)
      .post(BASE)
      .set('Authorization', alice)
      .send({ message: 'x' })
      .expect(201);
    const denied = await request(app)
      .post(`${BASE}/${snap.body.id}/restore`)
      .set('Authorization', alice)
      .send({});
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toContain(
      'kaml-d.dataset.snapshot.restore',
    );
    await request(app)
      .get(`${BASE}/diff?from=nope`)
      .set('Authorization', alice)
      .expect(400);
  });

  it('sweeps a pending snapshot and the blobs no other snapshot uses at recovery', async () => {
    const { app, db, data, snapshots } = await setup();
    const folder = join(root, 'datasets', '.kaml-d-snapshots');
    const kept = await request(app)
      .post(BASE)
      .set('Authorization', alice)
      .send({ message: 'kept' })
      .expect(201);
    // a.csv changes: the next snapshot freezes one new blob and reuses b.csv's
    await writeFile(join(data, 'a.csv'), 'id,amount\n1,99\n');
    const snap = await request(app)
      .post(BASE)
      .set('Authorization', alice)
      .send({ message: 'x' })
      .expect(201);
    expect(await filesUnder(folder)).toHaveLength(3);
    // simulate a process killed an hour ago, before the manifest was written
    await db('kaml_d_snapshot_objects')
      .where({ snapshot_id: snap.body.id })
      .delete();
    await db('kaml_d_dataset_snapshots')
      .where({ id: snap.body.id })
      .update({
        state: 'pending',
        created_at: new Date(Date.now() - 3_600_000),
      });
    const anHourAgo = new Date(Date.now() - 3_600_000);
    for (const file of await pathsUnder(folder)) {
      await utimes(file, anHourAgo, anHourAgo);
    }
    expect(await snapshots.recover(60_000)).toEqual({
      swept: 1,
      rolledForward: 0,
    });
    const list = await request(app).get(BASE).set('Authorization', alice);
    expect(list.body.items.map((s: any) => s.id)).toEqual([kept.body.id]);
    // the blobs of the kept snapshot stay, the one only the swept snapshot named goes
    expect(await filesUnder(folder)).toHaveLength(2);
    const manifest = await request(app)
      .get(`${BASE}/${kept.body.id}`)
      .set('Authorization', alice);
    for (const o of manifest.body.objects) {
      expect(
        await readFile(join(root, 'datasets', o.storedKey), 'utf8'),
      ).toMatch(/^id,amount\n/);
    }
    // a recovery soon after a snapshot leaves its blobs whatever their use
    await writeFile(join(data, 'a.csv'), 'id,amount\n1,77\n');
    await request(app)
      .post(BASE)
      .set('Authorization', alice)
      .send({ message: 'y' })
      .expect(201);
    await snapshots.recover(60_000);
    expect(await filesUnder(folder)).toHaveLength(3);
  });
});
