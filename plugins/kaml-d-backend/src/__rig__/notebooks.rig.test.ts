import {
  TestDatabases,
  mockCredentials,
  mockServices,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { NotAllowedError } from '@backstage/errors';
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
  createDatasetNameClaims,
  createDatasetsService,
} from '../services/Datasets';
import { createModelVersionsService } from '../services/ModelVersions';
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

const hubUrl = rigEnv('KAML_RIG_JUPYTERHUB_URL');
const hubToken = rigEnv('KAML_RIG_JUPYTERHUB_TOKEN');
const secretKey = rigEnv('KAML_RIG_S3_SECRET_KEY');
const run = randomBytes(4).toString('hex');
// a new hub user each run: the first open creates it and starts its server
const hubUser = `nb-${run}`;
const user = mockCredentials.user(`user:default/${hubUser}`);
const prefix = `kaml-d-nb-${run}`;
const DATASET = `nb-sales-${run}`;
const MODEL = { kind: 'model', namespace: 'default', name: 'nb-model' };

const hubHeaders = { Authorization: `token ${hubToken}` };

async function contents(path: string): Promise<Response> {
  return fetch(
    `${hubUrl}/user/${hubUser}/api/contents/${path
      .split('/')
      .map(encodeURIComponent)
      .join('/')}?content=1`,
    { headers: hubHeaders },
  );
}

/** The source of the first code cell of a notebook in the user's server. */
async function firstCodeCell(path: string): Promise<string> {
  const response = await contents(path);
  expect(response.status).toBe(200);
  const model = (await response.json()) as {
    content: { cells: { cell_type: string; source: string | string[] }[] };
  };
  const cell = model.content.cells.find(c => c.cell_type === 'code')!;
  return Array.isArray(cell.source) ? cell.source.join('') : cell.source;
}

describe('Open in notebook on the rig JupyterHub and MinIO', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const storageConfig = readStorageConfig(
    new ConfigReader({
      kamlD: {
        storage: {
          adapter: 's3',
          s3: {
            endpoint: rigEnv('KAML_RIG_S3_ENDPOINT'),
            accessKeyId: rigEnv('KAML_RIG_S3_ACCESS_KEY'),
            secretAccessKey: secretKey,
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
  const entities = [
    testDataset(DATASET, 'csv', {
      location: `s3://kaml-datasets/${prefix}/`,
    }),
    testDataset('traffic-counts', 'parquet'),
    {
      apiVersion: 'kaml-d.io/v1alpha1',
      kind: 'Model',
      metadata: { name: MODEL.name, namespace: 'default' },
      spec: { owner: 'group:default/data' },
    },
  ];
  let cacheDir: string;
  let kernel: Awaited<ReturnType<typeof startKernel>> | undefined;

  beforeAll(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'kaml-nb-rig-'));
    await raw.putObject(
      'kaml-datasets',
      `${prefix}/part-0.csv`,
      Buffer.from('id,city,amount\n1,Oslo,10.5\n2,Lima,7\n'),
    );
    await raw.putObject(
      'kaml-datasets',
      `${prefix}/2026/part-1.csv`,
      Buffer.from('id,city,amount\n3,Pune,1.25\n'),
    );
    // not data: a hidden folder and a file of another format
    await raw.putObject(
      'kaml-datasets',
      `${prefix}/.partial/part-9.csv`,
      Buffer.from('id,city,amount\n9,Hidden,0\n'),
    );
    await raw.putObject(
      'kaml-datasets',
      `${prefix}/README.md`,
      Buffer.from('# x'),
    );
  });

  afterAll(async () => {
    await kernel?.shutdown();
    // stops the user's server and removes the user
    await fetch(`${hubUrl}/hub/api/users/${hubUser}`, {
      method: 'DELETE',
      headers: hubHeaders,
    });
    const keys: string[] = [];
    for await (const item of raw.listObjects(
      'kaml-datasets',
      `${prefix}/`,
      true,
    )) {
      if (item.name) keys.push(item.name);
    }
    if (keys.length) await raw.removeObjects('kaml-datasets', keys);
    await rm(cacheDir, { recursive: true, force: true });
  });

  async function setup(allow = true) {
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
      reqs.map(() => ({
        result: allow ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      })),
    );
    const catalog = catalogServiceMock({ entities });
    const engines = createQueryEngineService({
      config: readQueryConfig(
        new ConfigReader({ kamlD: { query: { duckdb: { cacheDir } } } }),
      ),
    });
    const audit = createAuditLogService({ db });
    const logger = mockServices.logger.mock();
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
    const modelVersions = createModelVersionsService({
      db,
      catalog,
      permissions,
      audit,
    });
    const notebooks = createNotebooksService({
      config: readNotebooksConfig(
        new ConfigReader({
          kamlD: {
            notebooks: {
              jupyterhub: { url: hubUrl, token: hubToken },
            },
          },
        }),
      )!,
      catalog,
      permissions,
      storage,
      bindings,
      snapshots,
      modelVersions,
    });
    return { notebooks, snapshots, datasets, modelVersions };
  }

  /** Runs the notebook's first cell in the user's kernel; returns the rows of `df`. */
  async function rowsOf(path: string): Promise<unknown[]> {
    kernel ??= await startKernel({ hubUrl, user: hubUser, token: hubToken });
    const first = await kernel.execute(await firstCodeCell(path));
    expect(first.error).toBeUndefined();
    const printed = await kernel.execute('print(df.to_json(orient="records"))');
    expect(printed.error).toBeUndefined();
    return JSON.parse(printed.stdout);
  }

  it('starts the user server, writes a notebook whose first cell reads exactly the dataset rows, and reuses the server', async () => {
    const { notebooks } = await setup();
    expect((await notebooks.listServers(user)).servers).toEqual([]);

    const opened = await notebooks.openDataset(
      { kind: 'dataset', namespace: 'default', name: DATASET },
      user,
    );
    expect(opened).toMatchObject({
      user: hubUser,
      path: `kaml-d/${DATASET}.ipynb`,
      url: `${hubUrl}/user/${hubUser}/lab/tree/kaml-d/${DATASET}.ipynb`,
      entityRef: `dataset:default/${DATASET}`,
      files: 2,
    });
    // the hidden folder and the README are not data
    expect(await rowsOf(opened.path)).toEqual([
      { id: 3, city: 'Pune', amount: 1.25 },
      { id: 1, city: 'Oslo', amount: 10.5 },
      { id: 2, city: 'Lima', amount: 7 },
    ]);

    // the notebook holds links, never the store's keys
    const cell = await firstCodeCell(opened.path);
    expect(cell).not.toContain(secretKey);
    // each link opens one object only: the same signature does not open another key
    const link = /"(http[^"]+part-0\.csv[^"]*)"/.exec(cell)![1];
    expect((await fetch(link)).status).toBe(200);
    expect(
      (await fetch(link.replace('part-0.csv', '.partial/part-9.csv'))).status,
    ).toBe(403);

    const servers = await notebooks.listServers(user);
    expect(servers.servers).toEqual([
      expect.objectContaining({
        name: '',
        status: 'ready',
        url: `${hubUrl}/user/${hubUser}/lab`,
      }),
    ]);
    const startedAt = servers.servers[0].startedAt;
    await notebooks.openDataset(
      { kind: 'dataset', namespace: 'default', name: DATASET },
      user,
    );
    expect((await notebooks.listServers(user)).servers[0].startedAt).toBe(
      startedAt,
    );
  });

  it('reads a parquet demo dataset: as many rows as the query engine counts', async () => {
    const { notebooks, datasets } = await setup();
    const ref = {
      kind: 'dataset',
      namespace: 'default',
      name: 'traffic-counts',
    };
    const opened = await notebooks.openDataset(ref, user);
    const rows = await rowsOf(opened.path);
    const counted = await datasets.rowCount(ref, user);
    expect(rows.length).toBe(counted.rows);
    expect(rows[0]).toHaveProperty('station_id');
  });

  it('opens the snapshot a model version was trained on, not the data as it is now', async () => {
    const { notebooks, snapshots, modelVersions } = await setup();
    const ref = { kind: 'dataset', namespace: 'default', name: DATASET };
    const snapshot = await snapshots.create(
      ref,
      { message: 'for training' },
      user,
    );
    await raw.putObject(
      'kaml-datasets',
      `${prefix}/part-0.csv`,
      Buffer.from('id,city,amount\n4,Kyiv,2\n'),
    );
    const version = await modelVersions.register(
      MODEL,
      {
        artifactUri: 's3://models/nb-model/1/model.onnx',
        trainedOn: [
          { datasetRef: `dataset:default/${DATASET}`, snapshotId: snapshot.id },
        ],
      },
      user,
    );
    const opened = await notebooks.openModelVersion(
      MODEL,
      version.version,
      user,
    );
    expect(opened.path).toBe(`kaml-d/${DATASET}@${snapshot.id}.ipynb`);
    expect(opened.snapshot).toBe(snapshot.id);
    expect(await rowsOf(opened.path)).toEqual([
      { id: 3, city: 'Pune', amount: 1.25 },
      { id: 1, city: 'Oslo', amount: 10.5 },
      { id: 2, city: 'Lima', amount: 7 },
    ]);
    const now = await notebooks.openDataset(ref, user);
    expect(await rowsOf(now.path)).toEqual([
      { id: 3, city: 'Pune', amount: 1.25 },
      { id: 4, city: 'Kyiv', amount: 2 },
    ]);
  });

  it('refuses a user without read permission and writes nothing', async () => {
    const { notebooks } = await setup(false);
    await expect(
      notebooks.openDataset(
        { kind: 'dataset', namespace: 'default', name: 'traffic-counts' },
        mockCredentials.user(`user:default/${hubUser}`),
        'snap-20261126t070102z-3f9a1c',
      ),
    ).rejects.toThrow(NotAllowedError);
    expect(
      (
        await contents(
          'kaml-d/traffic-counts@snap-20261126t070102z-3f9a1c.ipynb',
        )
      ).status,
    ).toBe(404);
  });

  it("stops the user's own server: the hub reports it stopped and its JupyterLab no longer answers", async () => {
    const { notebooks } = await setup();
    await kernel?.shutdown();
    kernel = undefined;
    expect((await notebooks.listServers(user)).servers).toEqual([
      expect.objectContaining({ name: '', status: 'ready' }),
    ]);
    const answer = await notebooks.stopServer(user, '');
    expect(answer.servers).toEqual([
      expect.objectContaining({ name: '', status: 'stopped' }),
    ]);
    // the hub itself, asked directly: nothing runs for the user any more
    const hubUserModel = (await (
      await fetch(`${hubUrl}/hub/api/users/${hubUser}`, {
        headers: hubHeaders,
      })
    ).json()) as { servers: Record<string, unknown> };
    expect(hubUserModel.servers).toEqual({});
    expect((await contents('kaml-d')).status).not.toBe(200);
    // stopping again is a no-op; another user's server is not reachable through this user
    await expect(notebooks.stopServer(user, '')).resolves.toMatchObject({
      user: hubUser,
    });
    await expect(notebooks.stopServer(user, 'other')).rejects.toThrow(
      /You have no notebook server "other"/,
    );
  });
});
