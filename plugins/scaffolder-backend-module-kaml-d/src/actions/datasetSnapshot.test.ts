import { mockServices } from '@backstage/backend-test-utils';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import yaml from 'yaml';
import { runAction, TaskState } from '../__testUtils__/actionContext';
import { createDatasetSnapshotAction } from './datasetSnapshot';
import { examples } from './datasetSnapshot.examples';

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('kaml-d:dataset:snapshot', () => {
  let server: Server;
  let baseUrl: string;
  const received: Array<{ url?: string; auth?: string; body: any }> = [];
  let status = 201;

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      const body = JSON.parse(await readBody(req));
      received.push({ url: req.url, auth: req.headers.authorization, body });
      res.statusCode = status;
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify(
          status === 201
            ? { id: `snap-${received.length}` }
            : {
                // the body Backstage's error handler sends
                error: {
                  name: 'NotAllowedError',
                  message: 'You may not upload (kaml-d.dataset.upload).',
                },
                response: { statusCode: status },
              },
        ),
      );
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${
      (server.address() as AddressInfo).port
    }/api/kaml-d`;
  });
  afterAll(() => new Promise(r => server.close(r)));
  beforeEach(() => {
    received.length = 0;
    status = 201;
  });

  const action = () =>
    createDatasetSnapshotAction({
      discovery: {
        getBaseUrl: async () => baseUrl,
        getExternalBaseUrl: async () => baseUrl,
      },
      auth: mockServices.auth(),
    });

  it('takes one snapshot on behalf of the user; a retried task reuses it', async () => {
    const state: TaskState = new Map();
    const input = yaml.parse(examples[0].example).steps[0].input;
    const first = await runAction(action(), input, { state });
    expect(first.outputs).toEqual({
      snapshotId: 'snap-1',
      entityRef: 'dataset:default/transactions',
    });
    expect(received).toEqual([
      {
        url: '/api/kaml-d/datasets/default/transactions/snapshots',
        auth: expect.stringMatching(/^Bearer .+/),
        body: { message: 'Before training fraud-detector' },
      },
    ]);
    const retried = await runAction(action(), input, { state });
    expect(retried.outputs.snapshotId).toBe('snap-1');
    expect(received).toHaveLength(1);
  });

  it('fails the step with the server message, and does nothing on a dry run', async () => {
    status = 403;
    await expect(
      runAction(action(), { dataset: 'transactions', message: 'm' }),
    ).rejects.toThrow(
      'Snapshot of dataset:default/transactions failed (HTTP 403): You may not upload (kaml-d.dataset.upload).',
    );
    received.length = 0;
    const dry = await runAction(
      action(),
      { dataset: 'transactions', message: 'm' },
      { dryRun: true },
    );
    expect(dry.outputs.entityRef).toBe('dataset:default/transactions');
    expect(received).toHaveLength(0);
    await expect(
      runAction(action(), { dataset: 'model:default/x', message: 'm' }),
    ).rejects.toThrow('is not a Dataset entity');
  });
});
