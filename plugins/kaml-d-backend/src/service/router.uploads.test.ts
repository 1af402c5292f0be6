import { createBackendModule } from '@backstage/backend-plugin-api';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { KAML_D_DATASET_EVENTS_TOPIC } from '@kaml-d/plugin-kaml-d-node';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import { ALICE, useMetadataHubBackend } from '../__testUtils__/metadataHub';

describe('Metadata Hub routes: files, uploads and health', () => {
  const { start, root } = useMetadataHubBackend();

  it('lists objects, summarises storage and serves a signed download with ranges', async () => {
    const server = await start();
    const objects = await request(server)
      .get('/api/kaml-d/datasets/default/sales/objects')
      .set('Authorization', ALICE);
    expect(objects.status).toBe(200);
    expect(objects.body.folders).toEqual(['2024/']);
    expect(objects.body.objects.map((o: { key: string }) => o.key)).toEqual([
      'q1.csv',
    ]);

    const summary = await request(server)
      .get('/api/kaml-d/storage/summary')
      .set('Authorization', ALICE);
    expect(summary.status).toBe(200);
    expect(summary.body).toMatchObject({
      adapter: 'file',
      datasets: 4,
      objects: 5,
      capacityBytes: 1000000,
    });
    expect(summary.body.percentUsed).toBeGreaterThan(0);

    const link = await request(server)
      .get('/api/kaml-d/datasets/default/sales/download?key=2024/q2.csv')
      .set('Authorization', ALICE);
    expect(link.status).toBe(200);
    const url = new URL(link.body.url);
    expect(url.pathname.startsWith('/api/kaml-d/storage/files/')).toBe(true);
    const file = await request(server)
      .get(url.pathname)
      .responseType('arraybuffer');
    expect(file.status).toBe(200);
    expect(Buffer.from(file.body).toString()).toBe(
      'id,region,amount\n5,north,50\n6,west,60\n',
    );
    const part = await request(server)
      .get(url.pathname)
      .set('Range', 'bytes=0-1')
      .responseType('arraybuffer');
    expect(part.status).toBe(206);
    expect(Buffer.from(part.body).toString()).toBe('id');
    const forged = await request(server).get(`${url.pathname.slice(0, -3)}abc`);
    expect(forged.status).toBe(403);

    const missing = await request(server)
      .get('/api/kaml-d/datasets/default/sales/download?key=nope.csv')
      .set('Authorization', ALICE);
    expect(missing.status).toBe(404);
  });

  it('stores an upload under the dataset prefix, writes its entity and announces it', async () => {
    const announced: unknown[] = [];
    const listener = createBackendModule({
      pluginId: 'kaml-d',
      moduleId: 'test-listener',
      register(reg) {
        reg.registerInit({
          deps: { events: eventsServiceRef },
          async init({ events }) {
            await events.subscribe({
              id: 'test-listener',
              topics: [KAML_D_DATASET_EVENTS_TOPIC],
              onEvent: async event => {
                announced.push(event.eventPayload);
              },
            });
          },
        });
      },
    });
    const server = await start({ extra: [listener] });
    const res = await request(server)
      .post('/api/kaml-d/datasets/upload')
      .set('Authorization', ALICE)
      .field('name', 'churn')
      .field('description', 'Customer churn')
      .field('tags', 'churn, tabular')
      .attach(
        'files',
        Buffer.from('customer,churned\na,true\nb,false\n'),
        'customers.csv',
      );
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      entityRef: 'dataset:default/churn',
      location: 's3://kaml-datasets/churn/',
      objects: [{ key: 'customers.csv', size: 32 }],
      manifestKey: 'catalog-info.yaml',
      registration: 'discovery',
    });
    const manifestPath = join(
      root(),
      'storage',
      'kaml-datasets',
      'churn',
      'catalog-info.yaml',
    );
    expect(parse(await readFile(manifestPath, 'utf8'))).toMatchObject({
      kind: 'Dataset',
      metadata: {
        name: 'churn',
        description: 'Customer churn',
        tags: ['churn', 'tabular'],
      },
      spec: {
        owner: 'user:default/alice',
        format: 'csv',
        location: 's3://kaml-datasets/churn/',
      },
    });
    expect(announced).toEqual([
      expect.objectContaining({
        action: 'uploaded',
        location: 's3://kaml-datasets/churn/',
        manifestKey: 'churn/catalog-info.yaml',
        keys: ['customers.csv'],
        uploadedBy: 'user:default/alice',
        entity: expect.objectContaining({ kind: 'Dataset' }),
      }),
    ]);

    // the same file again is refused, and the stored one is intact
    const again = await request(server)
      .post('/api/kaml-d/datasets/upload')
      .set('Authorization', ALICE)
      .field('name', 'churn')
      .attach('files', Buffer.from('overwritten'), 'customers.csv');
    expect(again.status).toBe(409);
    expect(
      await readFile(
        join(root(), 'storage', 'kaml-datasets', 'churn', 'customers.csv'),
        'utf8',
      ),
    ).toBe('customer,churned\na,true\nb,false\n');

    // a hand-made body: HTTP clients strip folders from file names, an attacker does not
    const boundary = 'kaml-boundary';
    const body = [
      `--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\nchurn2\r\n`,
      `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="../sales/q1.csv"\r\n`,
      `Content-Type: text/csv\r\n\r\nid\n666\r\n--${boundary}--\r\n`,
    ].join('');
    const traversal = await request(server)
      .post('/api/kaml-d/datasets/upload')
      .set('Authorization', ALICE)
      .set('Content-Type', `multipart/form-data; boundary=${boundary}`)
      .send(body);
    expect(traversal.status).toBe(400);
    expect(traversal.body.error.message).toContain('".."');
    expect(
      await readFile(
        join(root(), 'storage', 'kaml-datasets', 'sales', 'q1.csv'),
        'utf8',
      ),
    ).toContain('1,north,10.5');
    const badName = await request(server)
      .post('/api/kaml-d/datasets/upload')
      .set('Authorization', ALICE)
      .field('name', 'Bad Name')
      .attach('files', Buffer.from('x'), 'a.csv');
    expect(badName.status).toBe(400);
    expect(badName.body.error.message).toContain('Field "name"');
  });

  it('stays up and names the dependency that is down when the object store is unreachable', async () => {
    const server = await start({
      kamlD: {
        storage: {
          adapter: 's3',
          s3: {
            endpoint: 'http://127.0.0.1:9',
            accessKeyId: 'k',
            secretAccessKey: 's',
          },
        },
      },
    });
    const health = await request(server)
      .get('/api/kaml-d/health')
      .set('Authorization', ALICE);
    expect(health.status).toBe(503);
    expect(health.body.status).toBe('degraded');
    expect(health.body.dependencies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'storage',
          kind: 's3',
          status: 'down',
          message: expect.any(String),
        }),
        expect.objectContaining({ name: 'query-engine', status: 'up' }),
      ]),
    );
    const preview = await request(server)
      .get('/api/kaml-d/datasets/default/sales/preview')
      .set('Authorization', ALICE);
    expect(preview.status).toBeGreaterThanOrEqual(500);
    // still answering
    const again = await request(server)
      .get('/api/kaml-d/health')
      .set('Authorization', ALICE);
    expect(again.status).toBe(503);
  });

  it('reports storage and the query engine in the health answer', async () => {
    const server = await start();
    const res = await request(server)
      .get('/api/kaml-d/health')
      .set('Authorization', ALICE);
    expect(res.status).toBe(200);
    expect(res.body.dependencies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'storage',
          kind: 'file',
          status: 'up',
        }),
        expect.objectContaining({
          name: 'query-engine',
          kind: 'duckdb',
          status: 'up',
        }),
      ]),
    );
  });
});
