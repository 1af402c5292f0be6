import {
  TestDatabases,
  mockCredentials,
  mockServices,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Client } from 'minio';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { applyDatabaseMigrations } from '../database/migrations';
import { createAuditLogService } from '../services/Audit';
import {
  createDatasetNameClaims,
  createDatasetsService,
} from '../services/Datasets';
import {
  createQueryEngineService,
  readQueryConfig,
} from '../services/QueryEngine';
import { SNAPSHOT_ROOT, createSnapshotsService } from '../services/Snapshots';
import {
  createLinkSigner,
  createStorageService,
  readStorageConfig,
} from '../services/Storage';
import { rigEnv } from './rigEnv';
import {
  testStorageBindings,
  TRUSTED_TEST_ANNOTATIONS,
} from '../__testUtils__/bindings';

jest.setTimeout(120_000);

const REF = { kind: 'dataset', namespace: 'default', name: 'sales' };
const alice = mockCredentials.user('user:default/alice');

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

describe.each([
  { versioned: true, method: 'version-ids' },
  { versioned: false, method: 'copy' },
])(
  'dataset snapshots on the rig MinIO (bucket versioning $versioned)',
  ({ versioned, method }) => {
    const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
    const bucket = `kaml-snap-${versioned ? 'v' : 'c'}-${randomBytes(
      4,
    ).toString('hex')}`;
    const storageConfig = readStorageConfig(
      new ConfigReader({
        kamlD: {
          storage: {
            adapter: 's3',
            s3: {
              endpoint: rigEnv('KAML_RIG_S3_ENDPOINT'),
              accessKeyId: rigEnv('KAML_RIG_S3_ACCESS_KEY'),
              secretAccessKey: rigEnv('KAML_RIG_S3_SECRET_KEY'),
            },
          },
        },
      }),
    );
    const raw = new Client({
      endPoint: storageConfig.s3!.endPoint,
      port: storageConfig.s3!.port,
      useSSL: storageConfig.s3!.useSSL,
      accessKey: storageConfig.s3!.accessKey,
      secretKey: storageConfig.s3!.secretKey,
      pathStyle: true,
    });
    let cacheDir: string;

    beforeAll(async () => {
      cacheDir = await mkdtemp(join(tmpdir(), 'kaml-snap-rig-'));
      await raw.makeBucket(bucket);
      if (versioned) {
        await raw.setBucketVersioning(bucket, { Status: 'Enabled' });
      }
    });

    afterAll(async () => {
      // every object and every version, then the bucket (paged here: the client's own version
      // stream sends its next key marker unescaped, which MinIO refuses past 1000 versions)
      let keyMarker: string | undefined;
      let versionIdMarker: string | undefined;
      for (;;) {
        const page = await raw.listObjectsQuery(bucket, '', '', {
          Delimiter: '',
          MaxKeys: 1000,
          IncludeVersion: true,
          ...(keyMarker ? { keyMarker: encodeURIComponent(keyMarker) } : {}),
          ...(versionIdMarker
            ? { versionIdMarker: encodeURIComponent(versionIdMarker) }
            : {}),
        });
        const entries = (
          page.objects as Array<{ name?: string; versionId?: string }>
        ).flatMap(o =>
          o.name ? [{ name: o.name, versionId: o.versionId ?? undefined }] : [],
        );
        if (entries.length) await raw.removeObjects(bucket, entries);
        if (!page.isTruncated || !page.keyMarker) break;
        keyMarker = decodeURIComponent(page.keyMarker);
        versionIdMarker = page.versionIdMarker
          ? decodeURIComponent(page.versionIdMarker)
          : undefined;
      }
      await raw.removeBucket(bucket);
      await rm(cacheDir, { recursive: true, force: true });
    });

    async function put(key: string, body: string) {
      await raw.putObject(bucket, key, Buffer.from(body));
    }
    async function listing() {
      const items: Array<{ key: string; etag?: string; size: number }> = [];
      for await (const item of raw.listObjects(bucket, '', true)) {
        if (item.name)
          items.push({ key: item.name, etag: item.etag, size: item.size });
      }
      return items.sort((a, b) => (a.key < b.key ? -1 : 1));
    }

    async function setup() {
      const db = await databases.init('SQLITE_3');
      await applyDatabaseMigrations(db);
      const entity = {
        apiVersion: 'kaml-d.io/v1alpha1',
        kind: 'Dataset',
        metadata: {
          name: 'sales',
          namespace: 'default',
          annotations: TRUSTED_TEST_ANNOTATIONS,
        },
        spec: {
          type: 'table',
          owner: 'group:default/data',
          format: 'csv',
          location: `s3://${bucket}/sales/`,
        },
      };
      const storage = createStorageService({
        config: storageConfig,
        cache: mockServices.cache.mock(),
        discovery: mockServices.discovery(),
        signer: createLinkSigner(async () => Buffer.from('secret')),
      });
      const permissions = mockServices.permissions.mock();
      permissions.authorize.mockImplementation(async reqs =>
        reqs.map(() => ({ result: AuthorizeResult.ALLOW })),
      );
      const catalog = catalogServiceMock({ entities: [entity] });
      const engines = createQueryEngineService({
        config: readQueryConfig(
          new ConfigReader({ kamlD: { query: { duckdb: { cacheDir } } } }),
        ),
      });
      const logger = mockServices.logger.mock();
      const audit = createAuditLogService({ db });
      const bindings = testStorageBindings(catalog);
      const snapshots = createSnapshotsService({
        bindings,
        db,
        catalog,
        permissions,
        storage,
        audit,
        logger,
        engines,
      });
      const datasets = createDatasetsService({
        claims: createDatasetNameClaims({ db }),
        bindings,
        catalog,
        permissions,
        storage,
        engines,
        cache: mockServices.cache.mock(),
        events: mockServices.events.mock(),
        logger,
        maxUploadBytes: 1024 * 1024,
        audit,
        auth: mockServices.auth(),
        userInfo: mockServices.userInfo(),
        snapshots,
      });
      return { snapshots, datasets, audit };
    }

    it('lists the current version of more than one page of objects (1000 a page)', async () => {
      const keys = Array.from(
        { length: 1005 },
        (_, i) => `paged/${String(i).padStart(4, '0')}.csv`,
      );
      let next = 0;
      await Promise.all(
        Array.from({ length: 32 }, async () => {
          while (next < keys.length) await put(keys[next++], 'a\n1\n');
        }),
      );
      await put('paged/0001.csv', 'a\n2\n'); // a second version
      await raw.removeObject(bucket, 'paged/0002.csv'); // a delete marker (versioned)
      const adapter = createStorageService({
        config: storageConfig,
        cache: mockServices.cache.mock(),
        discovery: mockServices.discovery(),
        signer: createLinkSigner(async () => Buffer.from('secret')),
      }).defaultAdapter;
      const listed = [];
      for await (const o of adapter.listCurrentVersions!(bucket, 'paged/'))
        listed.push(o);
      expect(listed.map(o => o.key)).toEqual(
        keys.filter(k => k !== 'paged/0002.csv'),
      );
      const stat = await adapter.stat(bucket, 'paged/0001.csv');
      // the newest of its two versions, with that version's id on the versioned bucket
      expect(listed[1]).toMatchObject({
        size: 4,
        etag: stat!.etag,
        ...(versioned ? { versionId: stat!.versionId } : {}),
      });
    });

    it(`snapshots with ${method} without touching the source, diffs, reads the past and restores`, async () => {
      const { snapshots, datasets, audit } = await setup();
      await put('sales/2024/q1.csv', 'id,amount\n1,10\n2,20\n');
      await put('sales/2024/q2.csv', 'id,amount\n3,30\n');
      await put('sales/readme.txt', 'not data');
      const before = (await listing()).filter(o => o.key.startsWith('sales/'));

      const snap = await snapshots.create(
        REF,
        { message: 'quarterly close' },
        alice,
      );
      expect(snap).toMatchObject({
        method,
        adapter: 's3',
        bucket,
        prefix: 'sales/',
        objectCount: 3,
        totalBytes: before.reduce((sum, o) => sum + o.size, 0),
      });

      // the source was never touched: same keys, same ETags; only snapshot copies were added
      const after = await listing();
      expect(after.filter(o => o.key.startsWith('sales/'))).toEqual(before);
      const copies = after.filter(o => o.key.startsWith(SNAPSHOT_ROOT));
      // version ids: nothing copied, each object's version recorded; copy: a copy of each
      expect(copies.map(o => o.key)).toEqual(
        versioned
          ? []
          : [
              `${SNAPSHOT_ROOT}default/sales/${snap.id}/2024/q1.csv`,
              `${SNAPSHOT_ROOT}default/sales/${snap.id}/2024/q2.csv`,
              `${SNAPSHOT_ROOT}default/sales/${snap.id}/readme.txt`,
            ],
      );
      const manifest = await snapshots.get(REF, snap.id, alice);
      expect(manifest.objects.every(o => Boolean(o.versionId))).toBe(versioned);

      // change one object (new column), delete one, add one
      await put('sales/2024/q1.csv', 'id,amount,region\n1,15,north\n');
      await raw.removeObject(bucket, 'sales/2024/q2.csv');
      await put(
        'sales/2024/q3.csv',
        'id,amount,region\n4,40,south\n5,50,east\n',
      );

      const diff = await snapshots.diff(REF, snap.id, 'current', alice);
      expect(diff.added.map(o => o.path)).toEqual(['2024/q3.csv']);
      expect(diff.removed.map(o => o.path)).toEqual(['2024/q2.csv']);
      expect(diff.changed.map(c => c.path)).toEqual(['2024/q1.csv']);
      expect(diff.unchangedCount).toBe(1);
      expect(diff.schema).toEqual({
        added: [{ name: 'region', type: 'VARCHAR' }],
        removed: [],
        changed: [],
      });
      expect(diff.rows).toEqual({ before: 3, after: 3 });

      // the past, read by the query engine from the snapshot's versions or copies
      const old = await datasets.preview(REF, 10, alice, snap.id);
      expect(old.columns.map(c => c.name)).toEqual(['id', 'amount']);
      expect(old.rows).toEqual([
        [1, 10],
        [2, 20],
        [3, 30],
      ]);
      const sql = await datasets.query(
        `SELECT sum(amount) AS total FROM "sales@${snap.id}"`,
        undefined,
        alice,
      );
      expect(sql.rows).toEqual([[60]]);
      const now = await datasets.query(
        'SELECT sum(amount) AS total FROM "sales"',
        undefined,
        alice,
      );
      expect(now.rows).toEqual([[105]]);

      // restore: current equals the snapshot again, and the changed state was kept first
      const restored = await snapshots.restore(
        REF,
        snap.id,
        { message: 'undo' },
        alice,
      );
      expect(restored.safetySnapshot).toMatchObject({
        reason: 'before-restore',
        objectCount: 3,
        method,
      });
      for (const [key, body] of [
        ['sales/2024/q1.csv', 'id,amount\n1,10\n2,20\n'],
        ['sales/2024/q2.csv', 'id,amount\n3,30\n'],
        ['sales/readme.txt', 'not data'],
      ]) {
        expect(await text(await raw.getObject(bucket, key))).toBe(body);
      }
      expect(
        (await listing())
          .filter(o => o.key.startsWith('sales/'))
          .map(o => o.key),
      ).toEqual(['sales/2024/q1.csv', 'sales/2024/q2.csv', 'sales/readme.txt']);
      const back = await snapshots.diff(REF, snap.id, 'current', alice);
      expect(back.added).toEqual([]);
      expect(back.removed).toEqual([]);
      expect(back.rows).toEqual({ before: 3, after: 3 });
      expect(back.schema.added).toEqual([]);
      // compared by content (size and ETag): restored objects equal the snapshot's
      expect(back.changed).toEqual([]);
      expect(back.unchangedCount).toBe(3);

      // the safety snapshot holds the pre-restore state, readable as it was
      const safety = await snapshots.get(
        REF,
        restored.safetySnapshot!.id,
        alice,
      );
      expect(safety.objects.map(o => o.path)).toEqual([
        '2024/q1.csv',
        '2024/q3.csv',
        'readme.txt',
      ]);
      const kept = await datasets.query(
        `SELECT sum(amount) AS total, count(region) AS regions FROM "sales@${safety.id}"`,
        undefined,
        alice,
      );
      expect(kept.rows).toEqual([[105, 3]]);
      const toSafety = await snapshots.diff(REF, snap.id, safety.id, alice);
      expect(toSafety.schema.added).toEqual([
        { name: 'region', type: 'VARCHAR' },
      ]);

      const events = await audit.list({ entityRef: 'dataset:default/sales' });
      expect(events.items.map(e => e.action)).toEqual([
        'dataset.snapshot.restore',
        'dataset.snapshot.create',
        'dataset.snapshot.create',
      ]);

      // a snapshot of the restored state holds what the restored snapshot held: the restored
      // objects (new versions, or copies of the frozen copies) keep their ETags
      const again = await snapshots.create(
        REF,
        { message: 'after restore' },
        alice,
      );
      const between = await snapshots.diff(REF, snap.id, again.id, alice);
      expect({
        added: between.added,
        removed: between.removed,
        changed: between.changed,
        unchangedCount: between.unchangedCount,
        schema: between.schema,
        rows: between.rows,
      }).toEqual({
        added: [],
        removed: [],
        changed: [],
        unchangedCount: 3,
        schema: { added: [], removed: [], changed: [] },
        rows: { before: 3, after: 3 },
      });
    });
  },
);
