import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fs from 'node:fs/promises';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { runAction, TaskState } from '../__testUtils__/actionContext';
import { createDatasetRegisterAction } from './datasetRegister';

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Field names and values, and file names and contents, of a multipart body. */
async function parseMultipart(req: IncomingMessage, body: Buffer) {
  const form = await new Request('http://x/', {
    method: 'POST',
    headers: { 'content-type': String(req.headers['content-type']) },
    body,
  }).formData();
  const fields: Record<string, string> = {};
  const files: Record<string, string> = {};
  const order: string[] = [];
  for (const [key, value] of form.entries()) {
    if (typeof value === 'string') {
      fields[key] = value;
      order.push(`field:${key}`);
    } else {
      files[value.name] = await value.text();
      order.push(`file:${value.name}`);
    }
  }
  return { fields, files, order };
}

describe('kaml-d:dataset:register', () => {
  let server: Server;
  let baseUrl: string;
  let workspace: string;
  const received: Array<{ url?: string; auth?: string; body: any }> = [];
  let status = 201;
  /** Entities the mock catalog serves; a successful call adds the dataset. */
  let entities: Entity[] = [];

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      const raw = await readBody(req);
      const body =
        req.url === '/api/kaml-d/datasets/upload'
          ? await parseMultipart(req, raw)
          : JSON.parse(raw.toString('utf8'));
      received.push({ url: req.url, auth: req.headers.authorization, body });
      res.statusCode = status;
      res.setHeader('content-type', 'application/json');
      if (status !== 201) {
        res.end(
          // the body Backstage's error handler sends
          JSON.stringify({
            error: {
              name: 'NotAllowedError',
              message: 'The bucket is read-only',
            },
            response: { statusCode: status },
          }),
        );
        return;
      }
      const name = (body.fields ?? body).name;
      entities.push({
        apiVersion: 'kaml-d.io/v1alpha1',
        kind: 'Dataset',
        metadata: { name, namespace: 'default' },
        spec: {},
      });
      res.end(
        JSON.stringify({
          entityRef: `dataset:default/${name}`,
          location: body.location ?? `s3://kaml-datasets/${name}/`,
          objects: body.files
            ? Object.entries(body.files as Record<string, string>).map(
                ([key, text]) => ({ key, size: text.length }),
              )
            : [{ key: 'part-0.parquet', size: 10 }],
          manifestKey: 'catalog-info.yaml',
          registration: 'discovery',
        }),
      );
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${
      (server.address() as AddressInfo).port
    }/api/kaml-d`;
  });
  afterAll(() => new Promise(r => server.close(r)));
  beforeEach(async () => {
    received.length = 0;
    status = 201;
    entities = [];
    workspace = await fs.mkdtemp(path.join(os.tmpdir(), 'register-'));
    await fs.mkdir(path.join(workspace, 'data', 'eval'), { recursive: true });
    await fs.writeFile(path.join(workspace, 'data', 'train.csv'), 'a,b\n1,2\n');
    await fs.writeFile(
      path.join(workspace, 'data', 'eval', 'test.csv'),
      'a,b\n',
    );
    await fs.mkdir(path.join(workspace, 'empty'));
  });
  afterEach(() => fs.rm(workspace, { recursive: true, force: true }));

  function action(
    result:
      | AuthorizeResult.ALLOW
      | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
    { catalogServes = true } = {},
  ) {
    const permissions = mockServices.permissions.mock();
    permissions.authorize.mockImplementation(async requests =>
      requests.map(() => ({ result })),
    );
    const catalog = catalogServiceMock.mock({
      getEntityByRef: async ref =>
        catalogServes
          ? entities.find(e => `dataset:default/${e.metadata.name}` === ref)
          : undefined,
    });
    return createDatasetRegisterAction({
      discovery: {
        getBaseUrl: async () => baseUrl,
        getExternalBaseUrl: async () => baseUrl,
      },
      auth: mockServices.auth(),
      catalog,
      permissions,
    });
  }

  const run = (input: object, options: Parameters<typeof runAction>[2] = {}) =>
    runAction(
      action(),
      { pollIntervalSeconds: 0.01, ...input },
      { workspacePath: workspace, ...options },
    );

  it('uploads a workspace folder (fields first, names relative to it) and waits for the entity; a retry uploads nothing', async () => {
    const state: TaskState = new Map();
    const input = {
      name: 'customer-reviews',
      files: ['data'],
      format: 'csv',
      tags: ['reviews'],
    };
    const first = await run(input, { state });
    expect(first.outputs).toEqual({
      entityRef: 'dataset:default/customer-reviews',
      location: 's3://kaml-datasets/customer-reviews/',
      fileCount: 2,
      links: [
        {
          title: 'Dataset in the catalog',
          entityRef: 'dataset:default/customer-reviews',
        },
      ],
    });
    expect(received).toHaveLength(1);
    expect(received[0].auth).toMatch(/^Bearer .+/);
    expect(received[0].body.fields).toEqual({
      name: 'customer-reviews',
      format: 'csv',
      lifecycle: 'experimental',
      tags: 'reviews',
    });
    expect(received[0].body.files).toEqual({
      'eval/test.csv': 'a,b\n',
      'train.csv': 'a,b\n1,2\n',
    });
    expect(received[0].body.order.indexOf('file:eval/test.csv')).toBe(
      Object.keys(received[0].body.fields).length,
    );

    const retried = await run(input, { state });
    expect(retried.outputs.entityRef).toBe('dataset:default/customer-reviews');
    expect(received).toHaveLength(1);
  });

  it('registers a storage folder through the register route', async () => {
    const result = await run({
      name: 'clickstream-2024',
      location: 's3://kaml-datasets/clickstream-2024',
    });
    expect(received).toEqual([
      {
        url: '/api/kaml-d/datasets/register',
        auth: expect.stringMatching(/^Bearer /),
        body: {
          name: 'clickstream-2024',
          lifecycle: 'experimental',
          tags: [],
          location: 's3://kaml-datasets/clickstream-2024/',
        },
      },
    ]);
    expect(result.outputs.fileCount).toBe(1);
  });

  it.each([
    [
      { name: 'Bad_Name', files: ['data'] },
      /name: "Bad_Name" is not a valid dataset name/,
    ],
    [
      { name: 'x', files: ['../etc'] },
      /files: "..\/etc" leads out of the task workspace/,
    ],
    [
      { name: 'x', files: ['/etc/passwd'] },
      /must be a path relative to the task workspace/,
    ],
    [
      { name: 'x', files: ['missing.csv'] },
      /"missing.csv" does not exist in the task workspace/,
    ],
    [
      { name: 'x', files: ['empty'] },
      /"empty" hold no files; nothing would be uploaded/,
    ],
    [{ name: 'x', files: [] }, /hold no files/],
    [{ name: 'x' }, /Give either "files" .* or "location"/],
    [{ name: 'x', files: ['data'], location: 's3://b/x/' }, /not both/],
    [
      { name: 'x', location: 's3://kaml-datasets/../other/' },
      /is not a storage folder/,
    ],
    [{ name: 'x', location: 'file:///etc/' }, /is not a storage folder/],
    [
      { name: 'x', files: ['data'], tags: ['Not Valid'] },
      /tags: "Not Valid" is not valid/,
    ],
  ])('refuses %j before anything is sent', async (input, message) => {
    await expect(run(input)).rejects.toThrow(message);
    expect(received).toEqual([]);
  });

  it('refuses a link that leads out of the workspace', async () => {
    const outside = await fs.mkdtemp(path.join(os.tmpdir(), 'outside-'));
    await fs.writeFile(path.join(outside, 'secret.csv'), 'x');
    await fs.symlink(outside, path.join(workspace, 'data', 'linked'));
    await expect(run({ name: 'x', files: ['data'] })).rejects.toThrow(
      /contains data\/linked, a link that leads out of the task workspace/,
    );
    await fs.symlink(outside, path.join(workspace, 'direct'));
    await expect(run({ name: 'x', files: ['direct'] })).rejects.toThrow(
      /"direct" is a link that leads out of the task workspace/,
    );
    expect(received).toEqual([]);
    await fs.rm(outside, { recursive: true, force: true });
  });

  it('refuses a name the catalog already has, without uploading', async () => {
    entities.push({
      apiVersion: 'kaml-d.io/v1alpha1',
      kind: 'Dataset',
      metadata: { name: 'taken', namespace: 'default' },
      spec: {},
    });
    await expect(run({ name: 'taken', files: ['data'] })).rejects.toThrow(
      'dataset:default/taken already exists in the catalog; choose another name (nothing was uploaded).',
    );
    expect(received).toEqual([]);
  });

  it('registers a discovered folder under its own name (same location), but not a name taken elsewhere', async () => {
    entities.push({
      apiVersion: 'kaml-d.io/v1alpha1',
      kind: 'Dataset',
      metadata: { name: 'clicks', namespace: 'default' },
      spec: { location: 's3://kaml-datasets/clicks/' },
    });
    const adopted = await run({
      name: 'clicks',
      location: 's3://kaml-datasets/clicks/',
      owner: 'group:default/web',
    });
    expect(adopted.outputs.entityRef).toBe('dataset:default/clicks');
    expect(received).toHaveLength(1);
    await expect(
      run({ name: 'clicks', location: 's3://kaml-datasets/other/' }),
    ).rejects.toThrow('dataset:default/clicks already exists in the catalog');
    expect(received).toHaveLength(1);
  });

  it('refuses without kaml-d.dataset.upload, and fails the step with the server message', async () => {
    await expect(
      runAction(
        action(AuthorizeResult.DENY),
        { name: 'x', files: ['data'] },
        { workspacePath: workspace },
      ),
    ).rejects.toThrow(
      'kaml-d.dataset.upload is required: you may not register datasets',
    );
    expect(received).toEqual([]);
    status = 403;
    await expect(
      run({ name: 'x', location: 's3://kaml-datasets/x/' }),
    ).rejects.toThrow(
      'Registration of s3://kaml-datasets/x/ as dataset:default/x failed (HTTP 403): The bucket is read-only',
    );
  });

  it('checks everything on a dry run and sends nothing', async () => {
    const dry = await run(
      { name: 'customer-reviews', files: ['data'] },
      { dryRun: true },
    );
    expect(dry.outputs.fileCount).toBe(2);
    expect(dry.lines.join('\n')).toContain(
      'Dry run: would upload 2 file(s) (12 bytes) as dataset:default/customer-reviews',
    );
    expect(received).toEqual([]);
  });

  it('fails the step when the catalog does not serve the entity in time', async () => {
    await expect(
      runAction(
        action(AuthorizeResult.ALLOW, { catalogServes: false }),
        {
          name: 'slow',
          location: 's3://kaml-datasets/slow/',
          catalogTimeoutSeconds: 0.05,
          pollIntervalSeconds: 0.01,
        },
        { workspacePath: workspace },
      ),
    ).rejects.toThrow(
      'dataset:default/slow is not in the catalog after 0.05 s, although its data and manifest are stored at s3://kaml-datasets/slow/',
    );
  });
});
