import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import {
  startKamlDTestBackend,
  testDataset,
} from '../../__testUtils__/bindings';

describe('GET /datasets/:namespace/:name/row-count', () => {
  let root: string;
  const auth = mockCredentials.user.header('user:default/alice');

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'row-count-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  async function put(dataset: string, file: string, content: string) {
    const folder = join(root, 'storage', 'kaml-datasets', dataset);
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, file), content);
  }

  it('counts the rows of every tabular format exactly, and again once the data changes', async () => {
    await put('trips', 'a.csv', 'id,km\n1,2.5\n2,3\n3,7\n');
    await put('trips', 'b.csv', 'id,km\n4,1\n');
    await put(
      'stations',
      'stations.json',
      JSON.stringify([{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }, { id: 5 }]),
    );
    await put('events', 'e.jsonl', '{"a":1}\n{"a":2}\n');
    const { server } = await startKamlDTestBackend({
      root,
      entities: [
        testDataset('trips', 'csv'),
        testDataset('stations', 'json'),
        testDataset('events', 'jsonl'),
      ],
    });
    const count = (name: string) =>
      request(server)
        .get(`/api/kaml-d/datasets/default/${name}/row-count`)
        .set('Authorization', auth);

    const trips = await count('trips');
    expect(trips.status).toBe(200);
    expect(trips.body).toMatchObject({
      entityRef: 'dataset:default/trips',
      engine: 'duckdb',
      rows: 4,
      method: 'exact count',
    });
    expect(Date.parse(trips.body.countedAt)).not.toBeNaN();
    expect((await count('stations')).body.rows).toBe(5);
    expect((await count('events')).body.rows).toBe(2);

    await put('trips', 'c.csv', 'id,km\n5,9\n6,1\n');
    expect((await count('trips')).body.rows).toBe(6);
  });

  it('needs sign-in and the preview permission, and says why a non-table has no rows', async () => {
    await put('photos', 'cat.png', 'not really a png');
    await put('trips', 'a.csv', 'id\n1\n');
    const { server } = await startKamlDTestBackend({
      root,
      entities: [testDataset('photos', 'images'), testDataset('trips', 'csv')],
      features: [
        mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
      ],
    });
    const anonymous = await request(server).get(
      '/api/kaml-d/datasets/default/trips/row-count',
    );
    expect(anonymous.status).toBe(401);
    const denied = await request(server)
      .get('/api/kaml-d/datasets/default/trips/row-count')
      .set('Authorization', auth);
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toContain('kaml-d.dataset.preview');
  });

  it('answers a dataset of images with what to do instead', async () => {
    await put('photos', 'cat.png', 'not really a png');
    const { server } = await startKamlDTestBackend({
      root,
      entities: [testDataset('photos', 'images')],
    });
    const photos = await request(server)
      .get('/api/kaml-d/datasets/default/photos/row-count')
      .set('Authorization', auth);
    expect(photos.status).toBe(400);
    expect(photos.body.error.message).toBe(
      'Dataset "photos" holds images files, which are not a table; browse its files instead.',
    );
  });
});
