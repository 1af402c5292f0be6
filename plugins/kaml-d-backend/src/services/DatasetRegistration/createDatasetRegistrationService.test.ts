import {
  TestDatabases,
  mockCredentials,
  mockServices,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  FileStorageAdapter,
  readStorageConfig,
} from '@kaml-d/plugin-kaml-d-node';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { applyDatabaseMigrations } from '../../database/migrations';
import { createDatasetNameClaims } from '../Datasets/nameClaims';
import { createStorageService } from '../Storage';
import { createLinkSigner } from '../Storage/signing';
import { createDatasetRegistrationService } from './createDatasetRegistrationService';

describe('createDatasetRegistrationService (file storage)', () => {
  let root: string;
  const user = mockCredentials.user('user:default/alice');
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'registration-'));
    await mkdir(join(root, 'kaml-datasets', 'clicks', '2024'), {
      recursive: true,
    });
    await writeFile(join(root, 'kaml-datasets', 'clicks', 'a.parquet'), 'PAR1');
    await writeFile(
      join(root, 'kaml-datasets', 'clicks', '2024', 'b.parquet'),
      'PAR1PAR1',
    );
    await mkdir(join(root, 'kaml-datasets', 'empty'));
    await mkdir(join(root, 'other-bucket', 'x'), { recursive: true });
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  async function setup(result: AuthorizeResult.ALLOW | AuthorizeResult.DENY) {
    const db = await databases.init('SQLITE_3');
    await applyDatabaseMigrations(db);
    const storage = createStorageService({
      config: readStorageConfig(
        mockServices.rootConfig({
          data: { kamlD: { storage: { adapter: 'file', file: { root } } } },
        }),
      ),
      cache: mockServices.cache.mock(),
      discovery: mockServices.discovery(),
      signer: createLinkSigner(async () => Buffer.from('secret')),
    });
    const permissions = mockServices.permissions.mock();
    permissions.authorize.mockImplementation(async reqs =>
      reqs.map(() => ({ result })),
    );
    const events = mockServices.events.mock();
    const registration = createDatasetRegistrationService({
      claims: createDatasetNameClaims({ db }),
      events,
      permissions,
      storage,
      logger: mockServices.logger.mock(),
      catalog: catalogServiceMock(),
      auth: mockServices.auth(),
      userInfo: mockServices.userInfo(),
      audit: {
        append: async event => ({
          ...event,
          details: event.details ?? {},
          id: 1,
          at: new Date().toISOString(),
        }),
        list: async () => ({ items: [] }),
        export: async function* exportNone() {},
      },
    });
    return { registration, events, storage };
  }

  it('writes the Dataset entity beside the data and announces it; a second registration is refused', async () => {
    const { registration, events, storage } = await setup(AuthorizeResult.ALLOW);
    expect(storage.uploadBucket).toBe('kaml-datasets');
    const answer = await registration.register(
      {
        name: 'clickstream-2024',
        location: 's3://kaml-datasets/clicks',
        tags: ['web'],
        description: 'Clicks',
      },
      user,
    );
    expect(answer).toEqual({
      entityRef: 'dataset:default/clickstream-2024',
      location: 's3://kaml-datasets/clicks/',
      objects: [
        { key: '2024/b.parquet', size: 8 },
        { key: 'a.parquet', size: 4 },
      ],
      manifestKey: 'catalog-info.yaml',
      registration: 'discovery',
    });
    const manifest = parse(
      await readFile(
        join(root, 'kaml-datasets', 'clicks', 'catalog-info.yaml'),
        'utf8',
      ),
    );
    expect(manifest).toMatchObject({
      kind: 'Dataset',
      metadata: {
        name: 'clickstream-2024',
        description: 'Clicks',
        tags: ['web'],
      },
      spec: {
        owner: 'user:default/alice',
        format: 'parquet',
        location: 's3://kaml-datasets/clicks/',
        size: { bytes: 12, files: 2 },
      },
    });
    expect(events.publish).toHaveBeenCalledWith({
      topic: 'kaml-d.datasets',
      eventPayload: expect.objectContaining({
        action: 'uploaded',
        bucket: 'kaml-datasets',
        manifestKey: 'clicks/catalog-info.yaml',
      }),
    });
    await expect(
      registration.register(
        { name: 'clickstream-2024', location: 's3://kaml-datasets/clicks/' },
        user,
      ),
    ).rejects.toThrow(
      's3://kaml-datasets/clicks/ is already registered: it holds a catalog-info.yaml',
    );
  });

  it.each([
    [{ name: 'x', location: 's3://kaml-datasets/empty/' }, 'holds no files'],
    [{ name: 'x', location: 's3://kaml-datasets/missing/' }, 'holds no files'],
    [
      { name: 'x', location: 's3://kaml-datasets/clicks/2024/' },
      'must be a folder directly in s3://kaml-datasets/',
    ],
    [
      { name: 'x', location: 's3://other-bucket/x/' },
      'must be a folder directly in s3://kaml-datasets/',
    ],
    [
      { name: 'x', location: 's3://kaml-datasets/../etc/' },
      'may not hold "." or ".." segments',
    ],
    [
      { name: 'Bad Name', location: 's3://kaml-datasets/clicks/' },
      'Field "name"',
    ],
    [
      { name: 'x', location: 's3://kaml-datasets/clicks/', format: 'exe' },
      'Field "format" must be one of',
    ],
  ])('refuses %j and writes nothing', async (request, message) => {
    const { registration, events } = await setup(AuthorizeResult.ALLOW);
    await expect(registration.register(request, user)).rejects.toThrow(message);
    expect(events.publish).not.toHaveBeenCalled();
    await expect(
      readFile(join(root, 'kaml-datasets', 'clicks', 'catalog-info.yaml')),
    ).rejects.toThrow(/ENOENT/);
  });

  it('attack: refuses to register the snapshot store or another dot-folder as a Dataset', async () => {
    // a snapshot was taken: the store holds a frozen blob of clicks/a.parquet
    const adapter = new FileStorageAdapter(root);
    await adapter.freeze(
      'kaml-datasets',
      'clicks/a.parquet',
      '.kaml-d-snapshots/blobs/',
    );
    await mkdir(join(root, 'kaml-datasets', '.hidden'));
    await writeFile(
      join(root, 'kaml-datasets', '.hidden', 'x.parquet'),
      'PAR1',
    );
    const { registration, events } = await setup(AuthorizeResult.ALLOW);
    for (const location of [
      's3://kaml-datasets/.kaml-d-snapshots/',
      's3://kaml-datasets/.hidden/',
    ]) {
      await expect(
        registration.register({ name: 'snapshots', location }, user),
      ).rejects.toThrow(/starts with "\." and is never a dataset/);
    }
    expect(events.publish).not.toHaveBeenCalled();
    for (const folder of ['.kaml-d-snapshots', '.hidden']) {
      await expect(
        readFile(join(root, 'kaml-datasets', folder, 'catalog-info.yaml')),
      ).rejects.toThrow(/ENOENT/);
    }
  });

  it('refuses a user without kaml-d.dataset.upload', async () => {
    const { registration } = await setup(AuthorizeResult.DENY);
    await expect(
      registration.register(
        { name: 'x', location: 's3://kaml-datasets/clicks/' },
        user,
      ),
    ).rejects.toThrow('You may not register datasets (kaml-d.dataset.upload).');
  });
});
