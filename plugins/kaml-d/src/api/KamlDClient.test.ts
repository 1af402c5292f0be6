import { File as NodeFile } from 'node:buffer';
import { KamlDClient } from './KamlDClient';

function clientAnswering(
  answers: Record<string, { status: number; body: unknown }>,
) {
  const calls: string[] = [];
  const client = new KamlDClient({
    discoveryApi: {
      getBaseUrl: async (pluginId: string) => `http://backend/api/${pluginId}`,
    },
    fetchApi: {
      fetch: async (input: RequestInfo | URL) => {
        const url = String(input);
        calls.push(url);
        const answer = answers[url];
        if (!answer) throw new Error(`unexpected call ${url}`);
        return new Response(JSON.stringify(answer.body), {
          status: answer.status,
          headers: { 'Content-Type': 'application/json' },
        });
      },
    },
  });
  return { client, calls };
}

const brokenDataset = {
  entity_id: null,
  entity_ref: null,
  unprocessed_entity: {
    apiVersion: 'kaml-d.io/v1alpha1',
    kind: 'Dataset',
    metadata: {
      name: 'invalid-dataset',
      annotations: {
        'backstage.io/managed-by-location':
          'file:/catalog/broken/invalid-dataset.yaml',
      },
    },
  },
  errors: [
    {
      name: 'InputError',
      message: '/spec/format must be equal to one of the allowed values',
    },
  ],
};

describe('KamlDClient', () => {
  it('lists catalog problems from pending and failed entities, once each, with their errors', async () => {
    const { client } = clientAnswering({
      'http://backend/api/catalog/entities/unprocessed/pending': {
        status: 200,
        body: {
          type: 'pending',
          entities: [brokenDataset, { ...brokenDataset, errors: [] }],
        },
      },
      'http://backend/api/catalog/entities/unprocessed/failed': {
        status: 200,
        body: { type: 'failed', entities: [brokenDataset] },
      },
    });
    await expect(client.getCatalogProblems()).resolves.toEqual([
      {
        entityRef: 'dataset:default/invalid-dataset',
        kind: 'Dataset',
        location: 'file:/catalog/broken/invalid-dataset.yaml',
        messages: ['/spec/format must be equal to one of the allowed values'],
      },
    ]);
  });

  it('fails with the response error when the catalog refuses', async () => {
    const { client } = clientAnswering({
      'http://backend/api/catalog/entities/unprocessed/pending': {
        status: 403,
        body: { error: { name: 'NotAllowedError', message: 'Unauthorized' } },
      },
      'http://backend/api/catalog/entities/unprocessed/failed': {
        status: 200,
        body: { entities: [] },
      },
    });
    await expect(client.getCatalogProblems()).rejects.toThrow(/403/);
  });

  it('reads a degraded health report (503) as data', async () => {
    const report = {
      status: 'degraded',
      version: '1',
      dependencies: [{ name: 'storage', status: 'down', message: 'x' }],
    };
    const { client } = clientAnswering({
      'http://backend/api/kaml-d/health': { status: 503, body: report },
    });
    await expect(client.getHealth()).resolves.toEqual(report);
  });
});

describe('KamlDClient dataset calls', () => {
  function recordingClient(status = 200, body: unknown = {}) {
    const calls: Array<{ url: string; init?: RequestInit }> = [];
    const client = new KamlDClient({
      discoveryApi: {
        getBaseUrl: async (pluginId: string) =>
          `http://backend/api/${pluginId}`,
      },
      fetchApi: {
        fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
          calls.push({ url: String(input), init });
          return new Response(JSON.stringify(body), {
            status,
            headers: { 'Content-Type': 'application/json' },
          });
        },
      },
    });
    return { client, calls };
  }

  it('encodes path segments and query strings', async () => {
    const { client, calls } = recordingClient();
    await client.getDatasetSchema({ namespace: 'team a', name: 'sales/2024' });
    await client.getDatasetPreview({ namespace: 'default', name: 'sales' }, 25);
    await client.getDatasetProfile(
      { namespace: 'default', name: 'sales' },
      'unit price&tax',
    );
    await client.getStorageSummary();
    expect(calls.map(c => c.url)).toEqual([
      'http://backend/api/kaml-d/datasets/team%20a/sales%2F2024/schema',
      'http://backend/api/kaml-d/datasets/default/sales/preview?limit=25',
      'http://backend/api/kaml-d/datasets/default/sales/profile?column=unit+price%26tax',
      'http://backend/api/kaml-d/storage/summary',
    ]);
  });

  it('posts a query as JSON', async () => {
    const { client, calls } = recordingClient();
    await client.runQuery('SELECT * FROM "sales"', 50);
    expect(calls[0].url).toBe('http://backend/api/kaml-d/query');
    expect(calls[0].init?.method).toBe('POST');
    expect(JSON.parse(String(calls[0].init?.body))).toEqual({
      sql: 'SELECT * FROM "sales"',
      limit: 50,
    });
  });

  it('sends the upload fields before the files', async () => {
    const { client, calls } = recordingClient(201, {
      entityRef: 'dataset:default/sales',
    });
    // the test environment's FormData is Node's (as is its fetch), which takes Node's File
    const file = new NodeFile(['a,b\n1,2\n'], 'sales.csv', {
      type: 'text/csv',
    }) as unknown as File;
    await client.uploadDataset({
      name: 'sales',
      format: 'csv',
      owner: 'group:default/data-science',
      tags: ['finance', 'tabular'],
      files: [file],
    });
    const form = calls[0].init?.body;
    expect(form).toBeInstanceOf(FormData);
    const entries = [...(form as FormData).entries()];
    expect(entries.map(([key]) => key)).toEqual([
      'name',
      'format',
      'owner',
      'tags',
      'files',
    ]);
    expect(entries[3][1]).toBe('finance,tabular');
    expect((entries[4][1] as File).name).toBe('sales.csv');
  });

  it('fails with the server error when a call is refused', async () => {
    const { client } = recordingClient(400, {
      error: {
        name: 'InputError',
        message: 'Parser Error: syntax error at or near "SELEC"',
      },
      request: { method: 'POST', url: '/api/kaml-d/query' },
      response: { statusCode: 400 },
    });
    await expect(client.runQuery('SELEC 1')).rejects.toMatchObject({
      statusCode: 400,
      cause: { message: 'Parser Error: syntax error at or near "SELEC"' },
    });
  });
});

describe('KamlDClient.getObservation', () => {
  it('encodes every path segment and sends the range as a query parameter', async () => {
    const body = {
      entityRef: 'model:default/a b',
      headline: { status: 'unknown', reason: 'r' },
    };
    const { client, calls } = clientAnswering({
      'http://backend/api/kaml-d/observation/default/model/a%20b%2Fc?range=6h':
        { status: 200, body },
    });
    await expect(
      client.getObservation(
        { kind: 'model', namespace: 'default', name: 'a b/c' },
        '6h',
      ),
    ).resolves.toEqual(body);
    expect(calls).toHaveLength(1);
  });

  it('fails with the response error when the entity is unknown', async () => {
    const { client } = clientAnswering({
      'http://backend/api/kaml-d/observation/default/model/nobody?range=1h': {
        status: 404,
        body: {
          error: {
            name: 'NotFoundError',
            message: 'No entity model:default/nobody in the catalog',
          },
        },
      },
    });
    await expect(
      client.getObservation(
        { kind: 'model', namespace: 'default', name: 'nobody' },
        '1h',
      ),
    ).rejects.toMatchObject({ statusCode: 404 });
  });
});

describe('KamlDClient versioning reads', () => {
  it('reads schema, preview and profile at a snapshot with an encoded snapshot parameter', async () => {
    const ok = { status: 200, body: {} };
    const { client, calls } = clientAnswering({
      'http://backend/api/kaml-d/datasets/default/sales/schema?snapshot=snap-20261126t070102z-3f9a1c':
        ok,
      'http://backend/api/kaml-d/datasets/default/sales/preview?limit=10&snapshot=snap-a%26b':
        ok,
      'http://backend/api/kaml-d/datasets/default/sales/profile?column=amount&snapshot=snap-x':
        ok,
    });
    const sales = { namespace: 'default', name: 'sales' };
    await client.getDatasetSchema(sales, 'snap-20261126t070102z-3f9a1c');
    await client.getDatasetPreview(sales, 10, 'snap-a&b');
    await client.getDatasetProfile(sales, 'amount', 'snap-x');
    expect(calls).toHaveLength(3);
  });

  it('asks for the whole Versions tables in one request each', async () => {
    const ok = { status: 200, body: { items: [] } };
    const { client, calls } = clientAnswering({
      'http://backend/api/kaml-d/datasets/team%20a/sales/snapshots?include=models':
        ok,
      'http://backend/api/kaml-d/datasets/default/sales/snapshots': ok,
      'http://backend/api/kaml-d/models/default/fraud%2F1/versions?include=deployments':
        ok,
      'http://backend/api/kaml-d/models/default/fraud/versions': ok,
    });
    await client.listDatasetSnapshots(
      { namespace: 'team a', name: 'sales' },
      { includeModels: true },
    );
    await client.listDatasetSnapshots({ namespace: 'default', name: 'sales' });
    await client.listModelVersions(
      { namespace: 'default', name: 'fraud/1' },
      { includeDeployments: true },
    );
    await client.listModelVersions({ namespace: 'default', name: 'fraud' });
    expect(calls).toHaveLength(4);
  });
});
