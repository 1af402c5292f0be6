import { mockCredentials } from '@backstage/backend-test-utils';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import {
  SALES_CSV,
  ToolResult,
  as,
  startMcpTestBackend,
  text,
} from './__testUtils__/mcp';

jest.setTimeout(120_000);

/*
 * The KAML-D actions as an AI assistant reaches them: a real MCP client over Streamable HTTP,
 * Backstage's MCP actions plugin, the real actions registry, and the permission backend with
 * the KAML-D policy deciding per user, as in the portal (see __testUtils__/mcp.ts).
 */

describe('KAML-D actions over MCP', () => {
  let root: string;
  let mcp: Awaited<ReturnType<typeof startMcpTestBackend>>;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'kaml-d-mcp-'));
    mcp = await startMcpTestBackend(root);
  });

  afterAll(async () => {
    await mcp.close();
    await rm(root, { recursive: true, force: true });
  });

  const call = (...args: Parameters<typeof mcp.call>) => mcp.call(...args);

  it('lists the five KAML-D tools, read-only, with their input schemas', async () => {
    const client = await mcp.connect(as('bob'));
    expect(client.getServerVersion()?.name).toBe('KAML-D test portal');
    const { tools } = await client.listTools();
    const byName = new Map(tools.map(t => [t.name, t]));
    expect([...byName.keys()].sort()).toEqual([
      'kaml-d.describe-dataset',
      'kaml-d.list-model-versions',
      'kaml-d.preview-dataset',
      'kaml-d.query-datasets',
      'kaml-d.search-datasets',
    ]);
    for (const tool of tools) {
      expect(tool.annotations).toMatchObject({
        readOnlyHint: true,
        destructiveHint: false,
      });
    }
    expect(byName.get('kaml-d.query-datasets')?.inputSchema).toMatchObject({
      type: 'object',
      required: ['sql'],
      properties: { sql: { type: 'string' }, limit: { type: 'integer' } },
    });
  });

  it('refuses a request without a token before any tool is reached', async () => {
    const res = await request(mcp.server)
      .post('/api/mcp-actions/v1')
      .set('Accept', 'application/json, text/event-stream')
      .send({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    expect(res.status).toBe(401);
  });

  it('finds datasets by column, by tag and by text', async () => {
    const byColumn = await call('bob', 'search-datasets', { column: 'email' });
    expect(byColumn.isError).toBeFalsy();
    expect(
      byColumn.structuredContent?.datasets.map((d: any) => d.entityRef),
    ).toEqual(['dataset:default/customers']);

    const byTag = await call('bob', 'search-datasets', { tag: 'finance' });
    expect(byTag.structuredContent).toMatchObject({
      totalItems: 1,
      datasets: [
        {
          entityRef: 'dataset:default/sales',
          title: 'Regional sales',
          owner: 'group:default/data',
          format: 'csv',
          tags: ['finance'],
          bytes: 41,
          files: 1,
          modified: '2026-11-02T08:00:00.000Z',
        },
      ],
    });

    const byText = await call('bob', 'search-datasets', { text: 'REGION' });
    expect(
      byText.structuredContent?.datasets.map((d: any) => d.entityRef),
    ).toEqual(['dataset:default/sales']);
    const both = await call('bob', 'search-datasets', {
      text: 'contacts',
      tag: 'finance',
    });
    expect(both.structuredContent?.datasets).toEqual([]);
  });

  it('describes a dataset: facts, declared and read schema, lineage down to the endpoint', async () => {
    const result = await call('bob', 'describe-dataset', { dataset: 'sales' });
    expect(result.isError).toBeFalsy();
    const out = result.structuredContent!;
    expect(out.dataset).toMatchObject({
      entityRef: 'dataset:default/sales',
      lifecycle: 'production',
      location: 's3://kaml-datasets/sales/',
      columns: [
        { name: 'id', type: 'bigint' },
        { name: 'region', type: 'varchar', description: 'Sales region' },
        { name: 'amount', type: 'double' },
      ],
    });
    expect(out.schema.engine).toBe('duckdb');
    expect(out.schema.columns.map((c: any) => c.name)).toEqual([
      'id',
      'region',
      'amount',
    ]);
    expect(out.schemaError).toBeUndefined();
    expect(out.lineage).toEqual({
      upstream: [],
      downstream: [
        {
          entityRef: 'model:default/forecaster',
          kind: 'Model',
          title: 'forecaster',
          relation: 'trainingDataOf',
        },
        {
          entityRef: 'component:default/forecaster-api',
          kind: 'Component',
          title: 'forecaster-api',
          relation: 'servedBy',
          via: 'model:default/forecaster',
        },
      ],
    });
  });

  it('previews the rows of a dataset', async () => {
    const result = await call('bob', 'preview-dataset', {
      dataset: 'dataset:default/sales',
      limit: 5,
    });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({
      entityRef: 'dataset:default/sales',
      engine: 'duckdb',
      limit: 5,
      truncated: false,
      rows: [
        [1, 'north', 10],
        [2, 'south', 20],
      ],
    });
    expect(result.structuredContent?.columns.map((c: any) => c.name)).toEqual([
      'id',
      'region',
      'amount',
    ]);
  });

  it('runs a read-only query', async () => {
    const result = await call('bob', 'query-datasets', {
      sql: 'SELECT region, sum(amount) AS total FROM "sales" GROUP BY region ORDER BY region',
    });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({
      datasets: ['dataset:default/sales'],
      engine: 'duckdb',
      rows: [
        ['north', 10],
        ['south', 20],
      ],
    });
  });

  it('refuses a write statement with the message the /query route answers', async () => {
    const sql = `COPY (SELECT 'owned' AS id) TO '${mcp.salesFile}' (HEADER false)`;
    const route = await request(mcp.server)
      .post('/api/kaml-d/query')
      .set('Authorization', as('bob'))
      .send({ sql });
    expect(route.status).toBe(400);
    const result = await call('bob', 'query-datasets', { sql });
    expect(result.isError).toBe(true);
    expect(text(result)).toBe(`InputError: ${route.body.error.message}`);
    expect(await readFile(mcp.salesFile, 'utf8')).toBe(SALES_CSV);
  });

  it('gives a user without permission the refusals the portal gives', async () => {
    const route = await request(mcp.server)
      .get('/api/kaml-d/datasets/default/sales/preview')
      .set('Authorization', as('erin'));
    expect(route.status).toBe(403);
    const preview = await call('erin', 'preview-dataset', { dataset: 'sales' });
    expect(preview.isError).toBe(true);
    expect(text(preview)).toBe(`NotAllowedError: ${route.body.error.message}`);
    expect(text(preview)).toContain('kaml-d.dataset.preview');

    const query = await call('erin', 'query-datasets', {
      sql: 'SELECT * FROM "sales"',
    });
    expect(query.isError).toBe(true);
    expect(text(query)).toMatch(
      /^NotAllowedError: You may not read dataset:default\/sales \(kaml-d\.dataset\.query\)/,
    );

    // the catalog facts stay readable, as on the entity page; the data does not
    const described = await call('erin', 'describe-dataset', {
      dataset: 'sales',
    });
    expect(described.isError).toBeFalsy();
    expect(described.structuredContent?.dataset.entityRef).toBe(
      'dataset:default/sales',
    );
    expect(described.structuredContent?.schema).toBeUndefined();
    expect(described.structuredContent?.schemaError).toContain(
      'kaml-d.dataset.preview',
    );
  });

  it('applies the pii column rule: the owners preview, a data scientist is refused', async () => {
    const refused = await call('bob', 'preview-dataset', {
      dataset: 'customers',
    });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toContain('kaml-d.dataset.preview');
    const owner = await call('alice', 'preview-dataset', {
      dataset: 'customers',
    });
    expect(owner.isError).toBeFalsy();
    expect(owner.structuredContent?.rows).toEqual([
      [1, 'a@example.com'],
      [2, 'b@example.com'],
    ]);
  });

  it("lists a model's versions with its health headline", async () => {
    const registered = await request(mcp.server)
      .post('/api/kaml-d/models/default/forecaster/versions')
      .set('Authorization', as('bob'))
      .send({
        artifactUri: 's3://kaml-models/forecaster/1/model.onnx',
        metrics: { mape: 0.12 },
        description: 'first fit',
      });
    expect(registered.status).toBe(201);
    const result = await call('erin', 'list-model-versions', {
      model: 'forecaster',
    });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({
      entityRef: 'model:default/forecaster',
      totalVersions: 1,
      versions: [
        {
          version: 1,
          description: 'first fit',
          artifactUri: 's3://kaml-models/forecaster/1/model.onnx',
          metrics: { mape: 0.12 },
          createdBy: 'user:default/bob',
        },
      ],
      health: {
        status: 'unknown',
        reason: expect.stringContaining('configure kamlD.workloadCluster'),
      },
    });
  });

  it('refuses a service token: actions act for a signed-in user', async () => {
    const client = await mcp.connect(mockCredentials.service.header());
    const result = (await client.callTool({
      name: 'kaml-d.preview-dataset',
      arguments: { dataset: 'sales' },
    })) as ToolResult;
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/^NotAllowedError: .*signed-in user/);
  });

  it('answers a bad dataset reference with what to write', async () => {
    const result = await call('bob', 'describe-dataset', {
      dataset: 'model:default/forecaster',
    });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/^InputError: .*not a dataset/);
  });
});
