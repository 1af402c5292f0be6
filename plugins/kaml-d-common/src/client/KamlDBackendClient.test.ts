import { ResponseError } from '@backstage/errors';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { KamlDBackendClient } from './KamlDBackendClient';

interface Received {
  method?: string;
  url?: string;
  contentType?: string;
  authorization?: string;
  body: string;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('KamlDBackendClient', () => {
  let server: Server;
  let baseUrl: string;
  const received: Received[] = [];

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      received.push({
        method: req.method,
        url: req.url,
        contentType: req.headers['content-type'],
        authorization: req.headers.authorization,
        body: await readBody(req),
      });
      if (req.url?.includes('/aliases/')) {
        res.statusCode = 204;
        res.end();
        return;
      }
      res.setHeader('content-type', 'application/json');
      if (req.url?.includes('refused')) {
        // the body Backstage's error handler sends
        res.statusCode = 403;
        res.end(
          JSON.stringify({
            error: { name: 'NotAllowedError', message: 'You may not read x' },
            response: { statusCode: 403 },
          }),
        );
        return;
      }
      res.end(JSON.stringify({ model: 'churn', runs: [], deployments: [] }));
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${
      (server.address() as AddressInfo).port
    }/api/kaml-d`;
  });
  afterAll(() => new Promise(r => server.close(r)));
  beforeEach(() => {
    received.length = 0;
  });

  /** A client as a backend module builds one: discovery, and a fetch that adds its token. */
  const client = () =>
    new KamlDBackendClient({
      discoveryApi: {
        getBaseUrl: async (pluginId: string) =>
          baseUrl.replace('kaml-d', pluginId),
      },
      fetchApi: {
        fetch: (input, init) => {
          const headers = new Headers(init?.headers);
          headers.set('authorization', 'Bearer token-of-alice');
          return fetch(input, { ...init, headers });
        },
      },
    });

  it('reads a model’s runs and a pod log with encoded segments and the query', async () => {
    const c = client();
    expect(
      await c.getModelRuns({ namespace: 'ml team', name: 'churn' }),
    ).toEqual({ model: 'churn', runs: [], deployments: [] });
    await c.getRunPodLog({ namespace: 'default', name: 'churn' }, 'p/1', {
      tailLines: 500,
      previous: true,
    });
    await c.searchRunPastLogs({ namespace: 'default', name: 'churn' }, 'p', {
      limit: 1000,
      container: 'train',
      text: 'loss &',
    });
    expect(received.map(r => [r.method, r.url, r.authorization])).toEqual([
      ['GET', '/api/kaml-d/runs/ml%20team/churn', 'Bearer token-of-alice'],
      [
        'GET',
        '/api/kaml-d/runs/default/churn/pods/p%2F1/logs?tailLines=500&previous=true',
        'Bearer token-of-alice',
      ],
      [
        'GET',
        '/api/kaml-d/runs/default/churn/pods/p/past-logs?limit=1000&container=train&q=loss+%26',
        'Bearer token-of-alice',
      ],
    ]);
  });

  it('sends JSON and multipart bodies, and answers nothing for 204', async () => {
    const c = client();
    await c.createDatasetSnapshot(
      { namespace: 'default', name: 'transactions' },
      'before training',
    );
    const form = new FormData();
    form.append('name', 'clicks');
    form.append('files', new Blob(['a,b\n1,2\n']), 'clicks.csv');
    await c.uploadDataset(form);
    expect(
      await c.sendJson('PUT', '/models/default/churn/aliases/champion', {
        version: 3,
      }),
    ).toBeUndefined();
    expect(received[0]).toMatchObject({
      method: 'POST',
      url: '/api/kaml-d/datasets/default/transactions/snapshots',
      contentType: 'application/json',
      body: JSON.stringify({ message: 'before training' }),
    });
    expect(received[1].url).toBe('/api/kaml-d/datasets/upload');
    expect(received[1].contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(received[1].body).toContain('filename="clicks.csv"');
    expect(received[2]).toMatchObject({
      method: 'PUT',
      body: '{"version":3}',
    });
  });

  it('throws a ResponseError with the status and the backend’s own message', async () => {
    const error = await client()
      .getJson<never>('/refused')
      .catch((e: ResponseError) => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(403);
    expect(error.body.error).toEqual({
      name: 'NotAllowedError',
      message: 'You may not read x',
    });
  });
});
