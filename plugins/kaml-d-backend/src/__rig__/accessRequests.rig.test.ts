import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  AuthService,
  BackstageCredentials,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  NotificationSendOptions,
  notificationService,
} from '@backstage/plugin-notifications-node';
import permissionPlugin from '@backstage/plugin-permission-backend';
import permissionModuleKamlDPolicy from '@kaml-d/plugin-permission-backend-module-kaml-d';
import knexFactory, { Knex } from 'knex';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { kamlDPlugin } from '../plugin';
import { ACCESS_REQUESTS_TABLE } from '../services/AccessRequests';
import { rigEnv } from './rigEnv';
import {
  TEST_BINDINGS_CONFIG,
  TRUSTED_TEST_ANNOTATIONS,
} from '../__testUtils__/bindings';

jest.setTimeout(180_000);

/*
 * Request → approve → grant → expire on the rig's PostgreSQL, through the real permission
 * backend and the KAML-D policy; two backends share the database, as two replicas would.
 */

// a database of this test's own, dropped afterwards
const database = `kaml_d_access_rig_${randomBytes(4).toString('hex')}`;

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
    pool: { min: 0, max: 10 },
  });
}

const GROUPS: Record<string, string[]> = {
  'user:default/alice': ['group:default/risk'],
  'user:default/bob': ['group:default/data-science'],
};
const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);

// see accessRequests.test.ts: the permission backend calls apply-conditions with its own token
const authFactory = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }): AuthService {
    const pluginId = plugin.getId();
    const auth = mockServices.auth({ pluginId });
    if (pluginId !== 'permission') return auth;
    return Object.assign(Object.create(auth) as AuthService, {
      getPluginRequestToken: async (
        options: Parameters<AuthService['getPluginRequestToken']>[0],
      ) =>
        options.targetPluginId === 'kaml-d'
          ? {
              token: mockCredentials.service.token({
                onBehalfOf: mockCredentials.service('plugin:permission'),
                targetPluginId: 'kaml-d',
              }),
            }
          : auth.getPluginRequestToken(options),
    });
  },
});

describe('access requests on the rig PostgreSQL', () => {
  const admin = connect(rigEnv('KAML_RIG_PG_DATABASE'));
  const clients: Knex[] = [];
  let root: string;
  const sent: NotificationSendOptions[] = [];

  beforeAll(async () => {
    await admin.raw('CREATE DATABASE ??', [database]);
    root = await mkdtemp(join(tmpdir(), 'kaml-d-access-rig-'));
    const folder = join(root, 'storage', 'kaml-datasets', 'customers');
    await mkdir(folder, { recursive: true });
    await writeFile(
      join(folder, 'part-0.csv'),
      'id,email\n1,a@example.com\n2,b@example.com\n3,c@example.com\n',
    );
  });

  afterAll(async () => {
    await Promise.all(clients.map(c => c.destroy()));
    await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [database]);
    await admin.destroy();
    await rm(root, { recursive: true, force: true });
  });

  /** One backend (a replica) on the shared database. */
  async function replica() {
    const knex = connect(database);
    clients.push(knex);
    const userInfo = mockServices.userInfo.mock({
      async getUserInfo(credentials: BackstageCredentials) {
        const ref = (credentials.principal as { userEntityRef: string })
          .userEntityRef;
        return {
          userEntityRef: ref,
          ownershipEntityRefs: [ref, ...(GROUPS[ref] ?? [])],
        };
      },
    });
    const { server } = await startTestBackend({
      features: [
        kamlDPlugin,
        permissionPlugin,
        permissionModuleKamlDPolicy,
        permissionsServiceFactory,
        authFactory,
        userInfo.factory,
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: {
            permission: { enabled: true },
            kamlD: {
              bindings: TEST_BINDINGS_CONFIG,
              storage: {
                file: { root: join(root, 'storage') },
                capacityBytes: 1000000,
              },
              query: { duckdb: { cacheDir: join(root, 'cache') } },
            },
          },
        }),
        catalogServiceMock.factory({
          entities: [
            {
              apiVersion: 'kaml-d.io/v1alpha1',
              kind: 'Dataset',
              metadata: {
                name: 'customers',
                namespace: 'default',
                annotations: TRUSTED_TEST_ANNOTATIONS,
              },
              relations: [{ type: 'ownedBy', targetRef: 'group:default/risk' }],
              spec: {
                owner: 'group:default/risk',
                type: 'tabular',
                format: 'csv',
                location: 's3://kaml-datasets/customers/',
                schema: {
                  columns: [
                    { name: 'id', type: 'bigint' },
                    { name: 'email', type: 'varchar', classification: 'pii' },
                  ],
                },
              },
            },
          ],
        }),
        createServiceFactory({
          service: notificationService,
          deps: {},
          factory: () => ({
            async send(options: NotificationSendOptions) {
              sent.push(options);
            },
          }),
        }),
      ],
    });
    return { agent: request(server), knex };
  }

  it('grants preview from approval until expiry, on every replica', async () => {
    const one = await replica();
    const two = await replica();
    const preview = (agent: typeof one.agent) =>
      agent
        .get('/api/kaml-d/datasets/default/customers/preview')
        .set('Authorization', as('bob'));
    expect((await preview(one.agent)).status).toBe(403);

    const body = {
      entityRef: 'dataset:default/customers',
      permissions: ['kaml-d.dataset.preview'],
      justification: 'Checking the e-mail domain distribution',
      durationDays: 3,
    };
    // the same request sent to both replicas at once: one is recorded, the other is a 409
    const [a, b] = await Promise.all([
      one.agent
        .post('/api/kaml-d/access-requests')
        .set('Authorization', as('bob'))
        .send(body),
      two.agent
        .post('/api/kaml-d/access-requests')
        .set('Authorization', as('bob'))
        .send(body),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const created = a.status === 201 ? a.body : b.body;
    expect(await one.knex(ACCESS_REQUESTS_TABLE).count({ n: '*' })).toEqual([
      { n: '1' },
    ]);
    expect(sent.map(s => s.recipients)).toEqual([
      {
        type: 'entity',
        entityRef: ['group:default/risk'],
        excludeEntityRef: 'user:default/bob',
      },
    ]);

    // approved on replica one, honoured by replica two
    const approved = await one.agent
      .post(`/api/kaml-d/access-requests/${created.id}/decision`)
      .set('Authorization', as('alice'))
      .send({ decision: 'approve' });
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('approved');
    const allowed = await preview(two.agent);
    expect(allowed.status).toBe(200);
    expect(allowed.body.rows).toHaveLength(3);

    // the end of the grant passes: denied again without any task running
    await one
      .knex(ACCESS_REQUESTS_TABLE)
      .where({ id: created.id })
      .update({ expires_at: new Date(Date.now() - 1000) });
    const denied = await preview(two.agent);
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toContain('kaml-d.dataset.preview');
    const mine = await two.agent
      .get('/api/kaml-d/access-requests?scope=mine')
      .set('Authorization', as('bob'));
    expect(mine.body.items.map((r: { status: string }) => r.status)).toEqual([
      'expired',
    ]);

    const audit = await one
      .knex('kaml_d_audit_log')
      .orderBy('id')
      .select('action', 'actor');
    expect(audit).toEqual([
      { action: 'access.request', actor: 'user:default/bob' },
      { action: 'access.approve', actor: 'user:default/alice' },
    ]);
  });
});
