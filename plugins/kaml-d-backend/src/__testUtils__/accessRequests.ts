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
import { kamlDPlugin } from '../plugin';
import { TEST_BINDINGS_CONFIG, TRUSTED_TEST_ANNOTATIONS } from './bindings';
import request from 'supertest';

/*
 * What the access-request tests share: the real permission backend with the KAML-D policy in
 * front of this plugin (which applies the conditional decisions with the entity from the
 * catalog and the grants from its database), a dataset with e-mail addresses owned by
 * group:default/risk, and the notifications the plugin sent.
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

export const as = (user: string) =>
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

/** What a test reads and changes while the backend runs. */
export interface AccessRequestsState {
  /** The plugin's database (once `start` ran). */
  readonly knex: Knex;
  sent: NotificationSendOptions[];
  /** Makes the notification service throw, as when it is down. */
  failNotifications: boolean;
}

/** Registers the storage folder in the calling `describe` and returns the helpers. */
export function useAccessRequestsBackend() {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let root: string;
  let knex: Knex | undefined;
  const state: AccessRequestsState = {
    sent: [],
    failNotifications: false,
    get knex(): Knex {
      if (!knex) throw new Error('call start() before reading the database');
      return knex;
    },
  };

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
    state.sent = [];
    state.failNotifications = false;
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
              if (state.failNotifications)
                throw new Error('notifications are down');
              state.sent.push(options);
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

  return { start, preview, state };
}
