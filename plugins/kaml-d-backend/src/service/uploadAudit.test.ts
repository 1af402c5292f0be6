import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { kamlDPlugin } from '../plugin';

jest.setTimeout(60_000);

const ALICE = mockCredentials.user.header('user:default/alice');

describe('uploads in the audit log (whole plugin, file storage, SQLite)', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'kaml-d-upload-audit-'));
    await mkdir(join(root, 'storage', 'kaml-datasets'), { recursive: true });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function start() {
    const { server } = await startTestBackend({
      features: [
        kamlDPlugin,
        mockServices.rootConfig.factory({
          data: {
            backend: { baseUrl: 'http://localhost:7007' },
            kamlD: {
              storage: { file: { root: join(root, 'storage') } },
              query: { duckdb: { cacheDir: join(root, 'cache') } },
            },
          },
        }),
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        catalogServiceMock.factory({ entities: [] }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      ],
    });
    return server;
  }

  it('appends dataset.upload with who, the dataset, its files and bytes; a refused upload as a failure', async () => {
    const server = await start();
    const uploaded = await request(server)
      .post('/api/kaml-d/datasets/upload')
      .set('Authorization', ALICE)
      .field('name', 'churn')
      .attach('files', Buffer.from('customer,churned\na,true\n'), 'a.csv')
      .attach('files', Buffer.from('customer,churned\nb,false\n'), 'b.csv');
    expect(uploaded.status).toBe(201);

    // the same file again is refused (nothing overwritten) and audited as a failure
    const again = await request(server)
      .post('/api/kaml-d/datasets/upload')
      .set('Authorization', ALICE)
      .field('name', 'churn')
      .attach('files', Buffer.from('overwritten'), 'a.csv');
    expect(again.status).toBe(409);

    const log = await request(server)
      .get('/api/kaml-d/audit?action=dataset.upload')
      .set('Authorization', ALICE);
    expect(log.status).toBe(200);
    expect(log.body.items).toEqual([
      expect.objectContaining({
        actor: 'user:default/alice',
        action: 'dataset.upload',
        entityRef: 'dataset:default/churn',
        outcome: 'failure',
        details: {
          error: expect.stringContaining('already has a file "a.csv"'),
          files: [],
          bytes: 0,
        },
      }),
      expect.objectContaining({
        actor: 'user:default/alice',
        action: 'dataset.upload',
        entityRef: 'dataset:default/churn',
        outcome: 'success',
        details: {
          location: 's3://kaml-datasets/churn/',
          files: ['a.csv', 'b.csv'],
          fileCount: 2,
          bytes: 49, // 24 + 25
        },
      }),
    ]);
  });
});
