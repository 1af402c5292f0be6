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
import { applyDatabaseMigrations } from '../database/migrations';
import { createAuditLogService } from '../services/Audit';
import {
  createNotebooksService,
  readNotebooksConfig,
} from '../services/Notebooks';
import {
  createQueryEngineService,
  readQueryConfig,
} from '../services/QueryEngine';
import { createSnapshotsService } from '../services/Snapshots';
import {
  createLinkSigner,
  createStorageService,
  readStorageConfig,
} from '../services/Storage';
import { testDataset, testStorageBindings } from '../__testUtils__/bindings';
import { startKernel } from './jupyterKernel';
import { rigEnv } from './rigEnv';

jest.setTimeout(240_000);

// A snapshot of a versioned bucket keeps object versions, not copies: the starter notebook must
// read those versions (links signed for a versionId), not the objects as they are now.
describe('Open in notebook: a snapshot kept as object versions', () => {
  const hubUrl = rigEnv('KAML_RIG_JUPYTERHUB_URL');
  const hubToken = rigEnv('KAML_RIG_JUPYTERHUB_TOKEN');
  const hubUser = `nbv-${randomBytes(4).toString('hex')}`;
  const user = mockCredentials.user(`user:default/${hubUser}`);
  const bucket = `kaml-nb-v-${randomBytes(4).toString('hex')}`;
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
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
    cacheDir = await mkdtemp(join(tmpdir(), 'kaml-nbv-rig-'));
    await raw.makeBucket(bucket);
    await raw.setBucketVersioning(bucket, { Status: 'Enabled' });
  });

  afterAll(async () => {
    await fetch(`${hubUrl}/hub/api/users/${hubUser}`, {
      method: 'DELETE',
      headers: { Authorization: `token ${hubToken}` },
    });
    const versions: Array<{ name: string; versionId?: string }> = [];
    const stream = raw.listObjects(bucket, '', true, { IncludeVersion: true });
    for await (const item of stream as AsyncIterable<{
      name?: string;
      versionId?: string | null;
    }>) {
      if (item.name)
        versions.push({
          name: item.name,
          versionId: item.versionId ?? undefined,
        });
    }
    if (versions.length) await raw.removeObjects(bucket, versions);
    await raw.removeBucket(bucket);
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('reads the rows the snapshot froze after the file was overwritten', async () => {
    const db = await databases.init('SQLITE_3');
    await applyDatabaseMigrations(db);
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
    const catalog = catalogServiceMock({
      entities: [
        testDataset('events', 'jsonl', { location: `s3://${bucket}/events/` }),
      ],
    });
    const bindings = testStorageBindings(catalog);
    const snapshots = createSnapshotsService({
      bindings,
      db,
      catalog,
      permissions,
      storage,
      audit: createAuditLogService({ db }),
      logger: mockServices.logger.mock(),
      engines: createQueryEngineService({
        config: readQueryConfig(
          new ConfigReader({ kamlD: { query: { duckdb: { cacheDir } } } }),
        ),
      }),
    });
    const notebooks = createNotebooksService({
      config: readNotebooksConfig(
        new ConfigReader({
          kamlD: {
            notebooks: { jupyterhub: { url: hubUrl, token: hubToken } },
          },
        }),
      )!,
      catalog,
      permissions,
      storage,
      bindings,
      snapshots,
    });
    const ref = { kind: 'dataset', namespace: 'default', name: 'events' };
    await raw.putObject(
      bucket,
      'events/day-1.jsonl',
      Buffer.from('{"user":"ana","clicks":3}\n{"user":"ben","clicks":5}\n'),
    );
    const snapshot = await snapshots.create(ref, { message: 'day 1' }, user);
    await raw.putObject(
      bucket,
      'events/day-1.jsonl',
      Buffer.from('{"user":"cy","clicks":1}\n'),
    );

    const opened = await notebooks.openDataset(ref, user, snapshot.id);
    const notebook = (await (
      await fetch(
        `${hubUrl}/user/${hubUser}/api/contents/${opened.path
          .split('/')
          .map(encodeURIComponent)
          .join('/')}?content=1`,
        { headers: { Authorization: `token ${hubToken}` } },
      )
    ).json()) as {
      content: { cells: { cell_type: string; source: string }[] };
    };
    const cell = notebook.content.cells.find(c => c.cell_type === 'code')!;
    const source = Array.isArray(cell.source)
      ? cell.source.join('')
      : cell.source;
    expect(source).toContain('versionId=');

    const kernel = await startKernel({
      hubUrl,
      user: hubUser,
      token: hubToken,
    });
    try {
      expect((await kernel.execute(source)).error).toBeUndefined();
      const printed = await kernel.execute(
        'print(df.to_json(orient="records"))',
      );
      expect(JSON.parse(printed.stdout)).toEqual([
        { user: 'ana', clicks: 3 },
        { user: 'ben', clicks: 5 },
      ]);
    } finally {
      await kernel.shutdown();
    }
  });
});
