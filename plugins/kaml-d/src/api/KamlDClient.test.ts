import { KamlDClient } from './KamlDClient';

function clientAnswering(answers: Record<string, { status: number; body: unknown }>) {
  const calls: string[] = [];
  const client = new KamlDClient({
    discoveryApi: { getBaseUrl: async (pluginId: string) => `http://backend/api/${pluginId}` },
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
      annotations: { 'backstage.io/managed-by-location': 'file:/catalog/broken/invalid-dataset.yaml' },
    },
  },
  errors: [{ name: 'InputError', message: '/spec/format must be equal to one of the allowed values' }],
};

describe('KamlDClient', () => {
  it('lists catalog problems from pending and failed entities, once each, with their errors', async () => {
    const { client } = clientAnswering({
      'http://backend/api/catalog/entities/unprocessed/pending': {
        status: 200,
        body: { type: 'pending', entities: [brokenDataset, { ...brokenDataset, errors: [] }] },
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
      'http://backend/api/catalog/entities/unprocessed/pending': { status: 403, body: { error: { name: 'NotAllowedError', message: 'Unauthorized' } } },
      'http://backend/api/catalog/entities/unprocessed/failed': { status: 200, body: { entities: [] } },
    });
    await expect(client.getCatalogProblems()).rejects.toThrow(/403/);
  });

  it('reads a degraded health report (503) as data', async () => {
    const report = { status: 'degraded', version: '1', dependencies: [{ name: 'storage', status: 'down', message: 'x' }] };
    const { client } = clientAnswering({
      'http://backend/api/kaml-d/health': { status: 503, body: report },
    });
    await expect(client.getHealth()).resolves.toEqual(report);
  });
});
