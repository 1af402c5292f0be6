import { KamlDNotebooksClient } from './NotebooksClient';

function client(answers: Array<{ status: number; body?: unknown }>) {
  const calls: Array<{ url: string; init?: RequestInit }> = [];
  const fetchApi = {
    fetch: jest.fn(async (url: string, init?: RequestInit) => {
      calls.push({ url, init });
      const answer = answers.shift()!;
      return new Response(JSON.stringify(answer.body ?? {}), {
        status: answer.status,
        headers: { 'Content-Type': 'application/json' },
      });
    }),
  };
  const discoveryApi = { getBaseUrl: async () => 'http://backend/api/kaml-d' };
  return {
    api: new KamlDNotebooksClient({ discoveryApi, fetchApi } as never),
    calls,
  };
}

describe('KamlDNotebooksClient', () => {
  it('reads a 404 of the server list as notebooks not configured', async () => {
    const { api } = client([{ status: 404 }]);
    await expect(api.isEnabled()).resolves.toBe(false);
  });

  it('posts the snapshot and the model version dataset, escaping path parts', async () => {
    const { api, calls } = client([
      { status: 200, body: { path: 'a' } },
      { status: 200, body: { path: 'b' } },
    ]);
    await api.openDataset(
      { namespace: 'default', name: 'sales' },
      'snap-20261126t070102z-3f9a1c',
    );
    await api.openModelVersion({ namespace: 'ml team', name: 'churn' }, 2);
    expect(calls.map(c => [c.url, c.init?.body])).toEqual([
      [
        'http://backend/api/kaml-d/datasets/default/sales/notebook',
        '{"snapshot":"snap-20261126t070102z-3f9a1c"}',
      ],
      [
        'http://backend/api/kaml-d/models/ml%20team/churn/versions/2/notebook',
        '{}',
      ],
    ]);
  });

  it('stops the default server or a named one with DELETE, and says why the backend refused', async () => {
    const servers = { user: 'alice', hubUrl: 'http://hub', servers: [] };
    const { api, calls } = client([
      { status: 200, body: servers },
      { status: 200, body: servers },
      {
        status: 409,
        body: {
          error: { name: 'ConflictError', message: 'still starting' },
          response: { statusCode: 409 },
        },
      },
    ]);
    await expect(api.stopServer('')).resolves.toEqual(servers);
    await api.stopServer('gpu box');
    expect(calls.map(c => [c.url, c.init?.method])).toEqual([
      ['http://backend/api/kaml-d/notebooks/server', 'DELETE'],
      ['http://backend/api/kaml-d/notebooks/servers/gpu%20box', 'DELETE'],
    ]);
    await expect(api.stopServer('gpu')).rejects.toMatchObject({
      statusCode: 409,
      body: { error: { message: 'still starting' } },
    });
  });
});
