import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { startKamlDTestBackend } from '../__testUtils__/bindings';

jest.setTimeout(60_000);

const ALICE = mockCredentials.user.header('user:default/alice');

/** A Dataset discovery bound to a folder of the upload bucket, owned by finance. */
const financeRaw: Entity = {
  apiVersion: 'kaml-d.io/v1alpha1',
  kind: 'Dataset',
  metadata: { name: 'finance-raw', namespace: 'default' },
  spec: {
    owner: 'group:default/finance',
    lifecycle: 'production',
    format: 'csv',
    location: 's3://kaml-datasets/finance-raw/',
  },
};

/**
 * Alice may upload, register and read the audit log; she is no admin (no
 * kaml-d.dataset.assign-owner) and owns no dataset (no kaml-d.dataset.write).
 */
const notAdminPermissions = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: () => ({
    async authorize(requests) {
      return requests.map(r => ({
        result:
          r.permission.name === 'kaml-d.dataset.assign-owner' ||
          r.permission.name === 'kaml-d.dataset.write'
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      }));
    },
    async authorizeConditional(requests) {
      return requests.map(() => ({ result: AuthorizeResult.DENY }));
    },
  }),
});

describe('uploads in the audit log (whole plugin, file storage, SQLite)', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'kaml-d-upload-audit-'));
    await mkdir(join(root, 'storage', 'kaml-datasets'), { recursive: true });
    for (const folder of ['finance-raw', 'clicks']) {
      await mkdir(join(root, 'storage', 'kaml-datasets', folder));
      await writeFile(
        join(root, 'storage', 'kaml-datasets', folder, 'part-0.csv'),
        'id,amount\n1,10\n',
      );
    }
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function start(options: { notAdmin?: boolean } = {}) {
    const { server } = await startKamlDTestBackend({
      root,
      bindings: null,
      entities: [financeRaw],
      features: [
        options.notAdmin
          ? notAdminPermissions
          : mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
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
          removed: [],
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

  /** Every file below the storage root, hidden ones included. */
  async function files(): Promise<string[]> {
    const entries = await readdir(join(root, 'storage'), {
      recursive: true,
      withFileTypes: true,
    });
    return entries
      .filter(e => e.isFile())
      .map(e => join(e.parentPath, e.name).slice(root.length))
      .sort();
  }

  it('appends dataset.register for a registration', async () => {
    const server = await start();
    const registered = await request(server)
      .post('/api/kaml-d/datasets/register')
      .set('Authorization', ALICE)
      .send({ name: 'clickstream', location: 's3://kaml-datasets/clicks/' });
    expect(registered.status).toBe(201);
    const log = await request(server)
      .get('/api/kaml-d/audit?action=dataset.register')
      .set('Authorization', ALICE);
    expect(log.body.items).toEqual([
      expect.objectContaining({
        actor: 'user:default/alice',
        action: 'dataset.register',
        entityRef: 'dataset:default/clickstream',
        outcome: 'success',
        details: {
          location: 's3://kaml-datasets/clicks/',
          fileCount: 1,
          bytes: 15,
        },
      }),
    ]);
  });

  it.each([
    {
      name: 'attack: a registration naming a foreign owner is refused, writes nothing and is audited',
      body: {
        name: 'clickstream',
        location: 's3://kaml-datasets/clicks/',
        owner: 'group:default/finance',
      },
      message:
        'You may not make group:default/finance the owner: name yourself (user:default/alice) or a group you belong to',
      audited: expect.objectContaining({
        actor: 'user:default/alice',
        action: 'dataset.register',
        entityRef: 'dataset:default/clickstream',
        outcome: 'failure',
        details: {
          error: expect.stringContaining('group:default/finance'),
          location: 's3://kaml-datasets/clicks/',
          owner: 'group:default/finance',
        },
      }),
    },
    {
      name: "attack: registering another team's discovered folder under a new name is refused and audited",
      body: { name: 'my-copy', location: 's3://kaml-datasets/finance-raw/' },
      message:
        's3://kaml-datasets/finance-raw/ holds dataset:default/finance-raw (owner group:default/finance); you may not add to it (kaml-d.dataset.write)',
      audited: expect.objectContaining({
        action: 'dataset.register',
        entityRef: 'dataset:default/my-copy',
        outcome: 'failure',
      }),
    },
  ])('$name', async ({ body, message, audited }) => {
    const server = await start({ notAdmin: true });
    const before = await files();
    const res = await request(server)
      .post('/api/kaml-d/datasets/register')
      .set('Authorization', ALICE)
      .send(body);
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain(message);
    expect(await files()).toEqual(before);
    const log = await request(server)
      .get('/api/kaml-d/audit?action=dataset.register')
      .set('Authorization', ALICE);
    expect(log.body.items).toEqual([audited]);
  });
});
