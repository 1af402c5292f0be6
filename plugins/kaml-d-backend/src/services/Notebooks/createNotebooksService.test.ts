import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { testDataset, testStorageBindings } from '../../__testUtils__/bindings';
import {
  createLinkSigner,
  createStorageService,
  readStorageConfig,
} from '../Storage';
import {
  createNotebooksService,
  hubUserName,
  notebookPath,
} from './createNotebooksService';
import { HubClient } from './hub';

const alice = mockCredentials.user('user:default/alice');

function setup(options: { allow?: boolean; trainedOn?: unknown[] } = {}) {
  const hub: jest.Mocked<HubClient> = {
    getUser: jest.fn(),
    createUser: jest.fn(),
    startServer: jest.fn(),
    stopServer: jest.fn(),
    putContents: jest.fn(),
    check: jest.fn(),
  };
  const permissions = mockServices.permissions.mock();
  permissions.authorize.mockImplementation(async reqs =>
    reqs.map(() => ({
      result:
        options.allow === false ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
    })),
  );
  const catalog = catalogServiceMock({
    entities: [
      testDataset('sales', 'csv'),
      testDataset('counts', 'parquet', {
        location: 'trino://hive/kaml/counts',
      }),
    ],
  });
  const storage = createStorageService({
    config: readStorageConfig(
      new ConfigReader({
        kamlD: {
          storage: {
            adapter: 's3',
            s3: {
              endpoint: 'http://127.0.0.1:1',
              accessKeyId: 'a',
              secretAccessKey: 'b',
            },
          },
        },
      }),
    ),
    cache: mockServices.cache.mock(),
    discovery: mockServices.discovery(),
    signer: createLinkSigner(async () => Buffer.from('secret')),
  });
  const notebooks = createNotebooksService({
    config: {
      hubUrl: 'http://hub',
      publicUrl: 'https://notebooks.example',
      token: 't',
      startTimeoutSeconds: 5,
      linkTtlSeconds: 60,
      folder: 'kaml-d',
    },
    catalog,
    permissions,
    storage,
    bindings: testStorageBindings(catalog),
    modelVersions: {
      get: jest.fn(async () => ({
        entityRef: 'model:default/churn',
        version: 2,
        trainedOn: options.trainedOn ?? [],
      })) as never,
    },
    hub,
  });
  return { notebooks, hub };
}

describe('notebooks service', () => {
  it('names hub users after the user entity and notebooks after the dataset and snapshot', () => {
    expect(hubUserName('user:default/Alice')).toBe('alice');
    expect(hubUserName('user:finance/bob.k')).toBe('bob.k');
    expect(() => hubUserName('group:default/data')).toThrow(
      'cannot be a JupyterHub user name',
    );
    expect(
      notebookPath('kaml-d', {
        kind: 'dataset',
        namespace: 'default',
        name: 'sales',
      }),
    ).toBe('kaml-d/sales.ipynb');
    expect(
      notebookPath(
        'kaml-d',
        { kind: 'dataset', namespace: 'finance', name: 'tx' },
        'snap-20261126t070102z-3f9a1c',
      ),
    ).toBe('kaml-d/finance-tx@snap-20261126t070102z-3f9a1c.ipynb');
  });

  it('refuses before touching the hub: no read permission, a Trino table, an unknown dataset', async () => {
    const ref = (name: string) => ({
      kind: 'dataset',
      namespace: 'default',
      name,
    });
    const denied = setup({ allow: false });
    await expect(
      denied.notebooks.openDataset(ref('sales'), alice),
    ).rejects.toThrow(
      'You may not read dataset:default/sales (kaml-d.dataset.preview).',
    );
    const { notebooks, hub } = setup();
    await expect(notebooks.openDataset(ref('counts'), alice)).rejects.toThrow(
      'is a Trino table, not files a notebook can load',
    );
    await expect(notebooks.openDataset(ref('nope'), alice)).rejects.toThrow(
      'No dataset dataset:default/nope in the catalog.',
    );
    expect(denied.hub.getUser).not.toHaveBeenCalled();
    expect(hub.getUser).not.toHaveBeenCalled();
  });

  it('says which datasets a model version was trained on when asked for another, or none', async () => {
    const model = { kind: 'model', namespace: 'default', name: 'churn' };
    await expect(
      setup().notebooks.openModelVersion(model, 2, alice),
    ).rejects.toThrow(
      'model:default/churn version 2 names no dataset snapshot it was trained on',
    );
    const trained = setup({
      trainedOn: [
        { datasetRef: 'dataset:default/sales', snapshotId: 'snap-1' },
      ],
    });
    await expect(
      trained.notebooks.openModelVersion(
        model,
        2,
        alice,
        'dataset:default/other',
      ),
    ).rejects.toThrow(
      'was not trained on dataset:default/other; pick one of: dataset:default/sales.',
    );
  });

  it("lists the caller's servers with links at the hub's public address", async () => {
    const { notebooks, hub } = setup();
    hub.getUser.mockResolvedValue({
      name: 'alice',
      last_activity: null,
      servers: {
        '': {
          name: '',
          ready: true,
          pending: null,
          url: '/user/alice/',
          last_activity: null,
          started: null,
        },
      },
    });
    expect(await notebooks.listServers(alice)).toEqual({
      user: 'alice',
      hubUrl: 'https://notebooks.example',
      servers: [
        {
          name: '',
          status: 'ready',
          url: 'https://notebooks.example/user/alice/lab',
        },
      ],
    });
    expect(hub.getUser).toHaveBeenCalledWith('alice');
  });

  it("stops the caller's own server only: the hub user is the signed-in one", async () => {
    const { notebooks, hub } = setup();
    const running = {
      name: '',
      ready: true,
      pending: null,
      url: '/user/alice/',
      last_activity: null,
      started: '2026-12-07T07:00:00Z',
    };
    hub.getUser
      .mockResolvedValueOnce({
        name: 'alice',
        last_activity: null,
        servers: { '': running },
      })
      .mockResolvedValueOnce({
        name: 'alice',
        last_activity: null,
        servers: { '': { ...running, ready: false, stopped: true } },
      });
    hub.stopServer.mockResolvedValue('stopped');
    const answer = await notebooks.stopServer(alice, '');
    expect(hub.stopServer).toHaveBeenCalledWith('alice', '');
    expect(hub.getUser.mock.calls).toEqual([['alice'], ['alice']]);
    expect(answer.servers).toEqual([
      expect.objectContaining({ name: '', status: 'stopped' }),
    ]);
  });
});
