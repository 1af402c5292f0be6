import { mockServices } from '@backstage/backend-test-utils';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import yaml from 'yaml';
import { runAction, TaskState } from '../__testUtils__/actionContext';
import { createModelRegisterVersionAction } from './modelRegisterVersion';
import { examples } from './modelRegisterVersion.examples';

interface Received {
  method?: string;
  url?: string;
  authorization?: string;
  body: any;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('kaml-d:model:register-version', () => {
  let server: Server;
  let baseUrl: string;
  const received: Received[] = [];
  let status = 201;

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      const text = await readBody(req);
      received.push({
        method: req.method,
        url: req.url,
        authorization: req.headers.authorization,
        body: JSON.parse(text),
      });
      res.statusCode = status;
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify(
          status === 201
            ? { version: received.length, entityRef: 'model:default/x' }
            : {
                // the body Backstage's error handler sends
                error: {
                  name: 'InputError',
                  message: 'trainedOn[0]: no complete snapshot "s"',
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

  function action() {
    return createModelRegisterVersionAction({
      discovery: {
        getBaseUrl: async () => baseUrl,
        getExternalBaseUrl: async () => baseUrl,
      },
      auth: mockServices.auth(),
    });
  }

  it('registers once on behalf of the user, and a retried task reuses the version', async () => {
    const state: TaskState = new Map();
    const input = yaml.parse(examples[0].example).steps[0].input;
    const first = await runAction(action(), input, { state, taskId: 't-9' });
    expect(first.outputs).toEqual({
      version: 1,
      entityRef: 'model:default/fraud-detector',
      versionUrl: '/catalog/default/model/fraud-detector/versions',
    });
    expect(received).toHaveLength(1);
    expect(received[0].method).toBe('POST');
    expect(received[0].url).toBe(
      '/api/kaml-d/models/default/fraud-detector/versions',
    );
    expect(received[0].authorization).toMatch(/^Bearer .+/);
    expect(received[0].body).toMatchObject({
      artifactUri: 's3://models/fraud-detector/run-42/model.onnx',
      metrics: { auc: 0.93, f1: 0.81 },
      run: {
        namespace: 'kaml-d-training',
        name: 'fraud-detector-train',
        taskId: 't-9',
      },
    });
    const retried = await runAction(action(), input, { state, taskId: 't-9' });
    expect(retried.outputs.version).toBe(1);
    expect(received).toHaveLength(1);
  });

  it('fails the step with the server message when registration is refused', async () => {
    status = 400;
    await expect(
      runAction(action(), { model: 'fraud-detector', artifactUri: 'models/m' }),
    ).rejects.toThrow(
      'Registering a version of model:default/fraud-detector failed (HTTP 400): trainedOn[0]: no complete snapshot "s"',
    );
  });

  it('does nothing on a dry run and rejects a ref that is not a Model', async () => {
    const dry = await runAction(
      action(),
      { model: 'fraud-detector', artifactUri: 'models/m' },
      { dryRun: true },
    );
    expect(dry.outputs.entityRef).toBe('model:default/fraud-detector');
    expect(received).toHaveLength(0);
    await expect(
      runAction(action(), { model: 'dataset:default/x', artifactUri: 'm' }),
    ).rejects.toThrow('is not a Model entity');
  });
});
