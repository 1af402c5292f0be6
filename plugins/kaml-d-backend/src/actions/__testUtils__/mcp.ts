import {
  AuthService,
  BackstageCredentials,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  actionsRegistryServiceFactory,
  actionsServiceFactory,
} from '@backstage/backend-defaults/alpha';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import permissionModuleKamlDPolicy from '@kaml-d/plugin-permission-backend-module-kaml-d';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  startKamlDTestBackend,
  testDataset,
} from '../../__testUtils__/bindings';

/*
 * The portal as an AI assistant reaches it, for tests: Backstage's MCP actions plugin in front
 * of the real actions registry and actions service, and the real permission backend with the
 * KAML-D policy deciding per user. Datasets `sales` (finance, trained a model served by a
 * component) and `customers` (a pii column, owned by group risk) on file storage.
 */

export const GROUPS: Record<string, string[]> = {
  'user:default/bob': ['group:default/data-science'], // may preview and query non-pii data
  'user:default/alice': ['group:default/risk'], // owns the pii dataset
  'user:default/erin': [], // no role
};

/** Mock auth, except the permission backend's apply-conditions call (see accessRequests.test). */
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

export const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);

function entities(): Entity[] {
  const sales = testDataset('sales', 'csv', { lifecycle: 'production' });
  sales.metadata.title = 'Regional sales';
  sales.metadata.description = 'Sales totals per region and quarter';
  sales.metadata.tags = ['finance'];
  sales.metadata.annotations = {
    ...sales.metadata.annotations,
    'kaml-d.io/size-bytes': '41',
    'kaml-d.io/object-count': '1',
    'kaml-d.io/last-modified': '2026-11-02T08:00:00.000Z',
  };
  sales.spec!.schema = {
    columns: [
      { name: 'id', type: 'bigint' },
      { name: 'region', type: 'varchar', description: 'Sales region' },
      { name: 'amount', type: 'double' },
    ],
  };
  sales.relations = [
    { type: 'ownedBy', targetRef: 'group:default/data' },
    { type: 'trainingDataOf', targetRef: 'model:default/forecaster' },
  ];
  const customers = testDataset('customers', 'csv');
  customers.spec!.owner = 'group:default/risk';
  customers.metadata.description = 'Customer contacts';
  customers.spec!.schema = {
    columns: [
      { name: 'id', type: 'bigint' },
      { name: 'email', type: 'varchar', classification: 'pii' },
    ],
  };
  customers.relations = [{ type: 'ownedBy', targetRef: 'group:default/risk' }];
  return [
    sales,
    customers,
    {
      apiVersion: 'kaml-d.io/v1alpha1',
      kind: 'Model',
      metadata: { name: 'forecaster', namespace: 'default' },
      spec: { owner: 'group:default/data-science', lifecycle: 'production' },
      relations: [
        { type: 'trainedOn', targetRef: 'dataset:default/sales' },
        { type: 'servedBy', targetRef: 'component:default/forecaster-api' },
      ],
    },
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'forecaster-api', namespace: 'default' },
      spec: { type: 'service', owner: 'group:default/data-science' },
      relations: [{ type: 'serves', targetRef: 'model:default/forecaster' }],
    },
  ];
}

/** The CSV of `sales`: `id,region,amount`, two rows. */
export const SALES_CSV = 'id,region,amount\n1,north,10\n2,south,20\n';

/** The result of an MCP tool call. */
export type ToolResult = {
  isError?: boolean;
  content: Array<{ type: string; text?: string }>;
  structuredContent?: Record<string, any>;
};

/** The text of a tool result (the error for a refusal). */
export const text = (result: ToolResult) => result.content[0]?.text ?? '';

/**
 * Writes the datasets below `root`, starts the KAML-D plugin with the MCP actions plugin and
 * the permission backend, and returns the server and an MCP client factory (clients are closed
 * by `close`).
 */
export async function startMcpTestBackend(root: string) {
  const storage = join(root, 'storage', 'kaml-datasets');
  await mkdir(join(storage, 'sales'), { recursive: true });
  await mkdir(join(storage, 'customers'), { recursive: true });
  const salesFile = join(storage, 'sales', 'q1.csv');
  await writeFile(salesFile, SALES_CSV);
  await writeFile(
    join(storage, 'customers', 'part-0.csv'),
    'id,email\n1,a@example.com\n2,b@example.com\n',
  );
  const { server } = await startKamlDTestBackend({
    root,
    entities: entities(),
    config: {
      backend: {
        baseUrl: 'http://localhost:7007',
        actions: { pluginSources: ['kaml-d'] },
      },
      permission: { enabled: true },
      mcpActions: { name: 'KAML-D test portal' },
    },
    features: [
      mcpActionsPlugin,
      actionsRegistryServiceFactory,
      actionsServiceFactory,
      permissionPlugin,
      permissionModuleKamlDPolicy,
      permissionsServiceFactory,
      authFactory,
      userInfo.factory,
    ],
  });
  const clients: Client[] = [];

  /** An MCP client over Streamable HTTP sending `authorization`. */
  async function connect(authorization: string): Promise<Client> {
    const client = new Client({
      name: 'kaml-d-test-assistant',
      version: '1.0.0',
    });
    await client.connect(
      new StreamableHTTPClientTransport(
        new URL(`http://localhost:${server.port()}/api/mcp-actions/v1`),
        { requestInit: { headers: { Authorization: authorization } } },
      ),
    );
    clients.push(client);
    return client;
  }

  /** Calls tool `kaml-d.<name>` as `user` (`user:default/<user>`). */
  async function call(
    user: string,
    name: string,
    args: Record<string, unknown>,
  ): Promise<ToolResult> {
    const client = await connect(as(user));
    return (await client.callTool({
      name: `kaml-d.${name}`,
      arguments: args,
    })) as ToolResult;
  }

  return {
    server,
    salesFile,
    connect,
    call,
    close: () => Promise.all(clients.map(c => c.close())),
  };
}
