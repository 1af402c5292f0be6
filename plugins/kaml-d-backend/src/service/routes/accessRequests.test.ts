import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  AuthService,
  BackstageCredentials,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  NotificationSendOptions,
  notificationService,
} from '@backstage/plugin-notifications-node';
import permissionPlugin from '@backstage/plugin-permission-backend';
import permissionModuleKamlDPolicy from '@kaml-d/plugin-permission-backend-module-kaml-d';
import { Knex } from 'knex';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { kamlDPlugin } from '../../plugin';
import {
  TEST_BINDINGS_CONFIG,
  TRUSTED_TEST_ANNOTATIONS,
} from '../../__testUtils__/bindings';
import { ACCESS_REQUESTS_TABLE } from '../../services/AccessRequests';

jest.setTimeout(120_000);

/*
 * The access request round trip through the real permission framework: the permission
 * backend with the KAML-D policy answers a conditional decision of plugin `kaml-d`, and this
 * plugin applies it (IS_ENTITY_OWNER, HAS_SPEC, HAS_ACCESS_GRANT) with the entity from the
 * catalog and the grants from its database.
 */

const GROUPS: Record<string, string[]> = {
  'user:default/alice': ['group:default/risk'], // owner of the dataset
  'user:default/bob': ['group:default/data-science'], // data scientist
  'user:default/carol': ['group:default/ml-platform-sre'],
  'user:default/dave': ['group:default/admins'],
  'user:default/erin': [], // no role
};
/**
 * The mock auth service, except that the permission backend calls this plugin's
 * apply-conditions endpoint with its own service token. (A real backend sends the user's token
 * with the permission plugin as actor, which the mock tokens cannot express; the endpoint
 * rejects a plain user token.)
 */
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

const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);

function customers(): Entity {
  return {
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
          { name: 'id', type: 'bigint', classification: 'internal' },
          { name: 'email', type: 'varchar', classification: 'pii' },
        ],
      },
    },
  };
}

describe('access requests through the permission framework', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let root: string;
  let knex: Knex;
  let sent: NotificationSendOptions[];
  let failNotifications: boolean;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'kaml-d-access-'));
    const folder = join(root, 'storage', 'kaml-datasets', 'customers');
    await mkdir(folder, { recursive: true });
    await writeFile(
      join(folder, 'part-0.csv'),
      'id,email\n1,a@example.com\n2,b@example.com\n',
    );
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function start() {
    knex = await databases.init('SQLITE_3');
    sent = [];
    failNotifications = false;
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
              storage: {
                file: { root: join(root, 'storage') },
                capacityBytes: 1000000,
              },
              query: { duckdb: { cacheDir: join(root, 'cache') } },
              bindings: TEST_BINDINGS_CONFIG,
            },
          },
        }),
        catalogServiceMock.factory({ entities: [customers()] }),
        createServiceFactory({
          service: notificationService,
          deps: {},
          factory: () => ({
            async send(options: NotificationSendOptions) {
              if (failNotifications) throw new Error('notifications are down');
              sent.push(options);
            },
          }),
        }),
      ],
    });
    return request(server);
  }

  const preview = (
    agent: request.Agent | ReturnType<typeof request>,
    user: string,
  ) =>
    agent
      .get('/api/kaml-d/datasets/default/customers/preview')
      .set('Authorization', as(user));

  it('preview is 403 before approval, 200 after, and 403 again once the grant expires', async () => {
    const agent = await start();

    const before = await preview(agent, 'bob');
    expect(before.status).toBe(403);
    expect(before.body.error.message).toContain('kaml-d.dataset.preview');
    // the owner reads it
    expect((await preview(agent, 'alice')).status).toBe(200);

    const created = await agent
      .post('/api/kaml-d/access-requests')
      .set('Authorization', as('bob'))
      .send({
        entityRef: 'dataset:default/customers',
        permissions: ['kaml-d.dataset.preview'],
        justification: 'Churn model features need the email domain',
        durationDays: 7,
      });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      entityRef: 'dataset:default/customers',
      permissions: ['kaml-d.dataset.preview'],
      requester: 'user:default/bob',
      status: 'pending',
      durationDays: 7,
      owners: ['group:default/risk'],
    });
    expect(sent).toEqual([
      expect.objectContaining({
        recipients: {
          type: 'entity',
          entityRef: ['group:default/risk'],
          excludeEntityRef: 'user:default/bob',
        },
        payload: expect.objectContaining({
          link: '/kaml-d/access-requests',
          title: 'Access request for dataset:default/customers',
        }),
      }),
    ]);
    // still pending: still denied
    expect((await preview(agent, 'bob')).status).toBe(403);

    // the owner sees it to decide; the requester sees it as theirs; others see nothing
    const toDecide = await agent
      .get('/api/kaml-d/access-requests?scope=to-decide&status=pending')
      .set('Authorization', as('alice'));
    expect(toDecide.body.items.map((r: { id: string }) => r.id)).toEqual([
      created.body.id,
    ]);
    const mine = await agent
      .get('/api/kaml-d/access-requests?scope=mine')
      .set('Authorization', as('bob'));
    expect(mine.body.items).toHaveLength(1);
    const erinSees = await agent
      .get('/api/kaml-d/access-requests?scope=to-decide')
      .set('Authorization', as('erin'));
    expect(erinSees.body.items).toEqual([]);
    expect(
      (
        await agent
          .get(`/api/kaml-d/access-requests/${created.body.id}`)
          .set('Authorization', as('erin'))
      ).status,
    ).toBe(404);

    // a non-owner cannot decide
    const byCarol = await agent
      .post(`/api/kaml-d/access-requests/${created.body.id}/decision`)
      .set('Authorization', as('carol'))
      .send({ decision: 'approve' });
    expect(byCarol.status).toBe(403);
    expect(byCarol.body.error.message).toMatch(
      /Only the owners of dataset:default\/customers \(group:default\/risk\) or an admin.*kaml-d\.access\.decide/,
    );

    const approved = await agent
      .post(`/api/kaml-d/access-requests/${created.body.id}/decision`)
      .set('Authorization', as('alice'))
      .send({ decision: 'approve', comment: 'for the churn model only' });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      status: 'approved',
      decidedBy: 'user:default/alice',
      decisionComment: 'for the churn model only',
    });
    const days =
      (Date.parse(approved.body.expiresAt) -
        Date.parse(approved.body.decidedAt)) /
      86_400_000;
    expect(days).toBe(7);
    expect(sent[1]).toMatchObject({
      recipients: { type: 'entity', entityRef: 'user:default/bob' },
      payload: { title: 'Access to dataset:default/customers approved' },
    });

    const after = await preview(agent, 'bob');
    expect(after.status).toBe(200);
    expect(after.body.rows).toHaveLength(2);
    // the grant is for preview only, and for bob only
    const query = await agent
      .post('/api/kaml-d/query')
      .set('Authorization', as('bob'))
      .send({ sql: 'SELECT * FROM "customers"' });
    expect(query.status).toBe(403);
    expect(query.body.error.message).toContain('kaml-d.dataset.query');
    expect((await preview(agent, 'erin')).status).toBe(403);

    // deciding twice is a conflict
    const again = await agent
      .post(`/api/kaml-d/access-requests/${created.body.id}/decision`)
      .set('Authorization', as('alice'))
      .send({ decision: 'deny' });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain('is approved');

    // the grant ends: move its end into the past (the clock the rule compares with)
    await knex(ACCESS_REQUESTS_TABLE)
      .where({ id: created.body.id })
      .update({ expires_at: new Date(Date.now() - 1000) });
    const expired = await preview(agent, 'bob');
    expect(expired.status).toBe(403);
    expect(expired.body.error.message).toContain('kaml-d.dataset.preview');
    const listed = await agent
      .get('/api/kaml-d/access-requests?scope=mine&status=expired')
      .set('Authorization', as('bob'));
    expect(listed.body.items.map((r: { status: string }) => r.status)).toEqual([
      'expired',
    ]);

    const audit = await knex('kaml_d_audit_log')
      .orderBy('id')
      .select('action', 'actor', 'entity_ref', 'outcome');
    expect(audit).toEqual([
      {
        action: 'access.request',
        actor: 'user:default/bob',
        entity_ref: 'dataset:default/customers',
        outcome: 'success',
      },
      {
        action: 'access.approve',
        actor: 'user:default/alice',
        entity_ref: 'dataset:default/customers',
        outcome: 'success',
      },
    ]);
  });

  it('answers 409, 404 and 400 with what to change', async () => {
    const agent = await start();
    const body = {
      entityRef: 'dataset:default/customers',
      permissions: ['kaml-d.dataset.query'],
      justification: 'Quarterly churn report needs joins on email',
    };
    const first = await agent
      .post('/api/kaml-d/access-requests')
      .set('Authorization', as('erin'))
      .send(body);
    expect(first.status).toBe(201);
    const duplicate = await agent
      .post('/api/kaml-d/access-requests')
      .set('Authorization', as('erin'))
      .send({ ...body, permissions: ['kaml-d.dataset.preview'] });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.message).toContain(
      `You already have a pending access request (${first.body.id}) on dataset:default/customers`,
    );

    const unknown = await agent
      .post('/api/kaml-d/access-requests')
      .set('Authorization', as('erin'))
      .send({ ...body, entityRef: 'dataset:default/nope' });
    expect(unknown.status).toBe(404);

    const owner = await agent
      .post('/api/kaml-d/access-requests')
      .set('Authorization', as('alice'))
      .send(body);
    expect(owner.status).toBe(400);
    expect(owner.body.error.message).toBe(
      'You already have kaml-d.dataset.query on dataset:default/customers; there is nothing to request.',
    );

    for (const [bad, message] of [
      [{ justification: 'because' }, /justification: explain why/],
      [{ durationDays: 91 }, /durationDays: must be 1 to 90 days/],
      [{ durationDays: 0 }, /durationDays: must be 1 to 90 days/],
      [{ permissions: [] }, /permissions: name at least one/],
      [{ permissions: ['kaml-d.model.deploy'] }, /permissions\.0/],
    ] as const) {
      const res = await agent
        .post('/api/kaml-d/access-requests')
        .set('Authorization', as('bob'))
        .send({ ...body, ...bad });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
    }
    expect(await knex(ACCESS_REQUESTS_TABLE).count({ n: '*' })).toEqual([
      { n: 1 },
    ]);

    // the requester cannot approve their own request, an admin can deny it
    const self = await agent
      .post(`/api/kaml-d/access-requests/${first.body.id}/decision`)
      .set('Authorization', as('erin'))
      .send({ decision: 'approve' });
    expect(self.status).toBe(403);
    const denied = await agent
      .post(`/api/kaml-d/access-requests/${first.body.id}/decision`)
      .set('Authorization', as('dave'))
      .send({ decision: 'deny', comment: 'use the anonymised copy' });
    expect(denied.status).toBe(200);
    expect(denied.body).toMatchObject({
      status: 'denied',
      decidedBy: 'user:default/dave',
    });
    expect(denied.body.expiresAt).toBeUndefined();
    // denied: a new request may be made
    const retry = await agent
      .post('/api/kaml-d/access-requests')
      .set('Authorization', as('erin'))
      .send(body);
    expect(retry.status).toBe(201);
  });

  it('keeps the request when notifying the owners fails, and audits the failure', async () => {
    const agent = await start();
    failNotifications = true;
    const created = await agent
      .post('/api/kaml-d/access-requests')
      .set('Authorization', as('bob'))
      .send({
        entityRef: 'dataset:default/customers',
        permissions: ['kaml-d.dataset.preview', 'kaml-d.dataset.query'],
        justification: 'Need to validate the de-duplication job',
      });
    expect(created.status).toBe(201);
    const toDecide = await agent
      .get('/api/kaml-d/access-requests?scope=to-decide')
      .set('Authorization', as('alice'));
    expect(toDecide.body.items).toHaveLength(1);
    const audit = await knex('kaml_d_audit_log')
      .orderBy('id')
      .select('action', 'outcome', 'details');
    expect(audit.map(a => [a.action, a.outcome])).toEqual([
      ['access.request', 'success'],
      ['access.request', 'failure'],
    ]);
    expect(JSON.parse(audit[1].details)).toMatchObject({
      failedStep: 'notification',
      error: 'notifications are down',
    });
  });
});
