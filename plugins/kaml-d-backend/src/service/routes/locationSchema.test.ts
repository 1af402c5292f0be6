import { mockCredentials } from '@backstage/backend-test-utils';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { startKamlDTestBackend } from '../../__testUtils__/bindings';

const PATH = '/api/kaml-d/internal/location-schema';

describe('POST /internal/location-schema: the catalog reads schemas through the engine', () => {
  let root: string;
  let server: Awaited<ReturnType<typeof startKamlDTestBackend>>['server'];

  const ask = (
    body: object,
    credentials = mockCredentials.service('plugin:catalog'),
  ) =>
    request(server)
      .post(PATH)
      .set(
        'Authorization',
        mockCredentials.service.header({
          onBehalfOf: credentials,
          targetPluginId: 'kaml-d',
        }),
      )
      .send(body);

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'kaml-d-location-schema-'));
    const folder = join(root, 'storage', 'kaml-datasets', 'stations');
    await mkdir(join(root, 'storage', 'kaml-datasets', '.kaml-d-snapshots'), {
      recursive: true,
    });
    await mkdir(folder, { recursive: true });
    // a JSON file holding an array: the format the hand-written readers could not read
    await writeFile(
      join(folder, 'stations.json'),
      JSON.stringify([
        {
          station_id: 'ST-1',
          opened: '2019-04-01',
          elevation_m: 412.5,
          active: true,
        },
        {
          station_id: 'ST-2',
          opened: '2020-09-15',
          elevation_m: 388,
          active: false,
        },
      ]),
    );
    ({ server } = await startKamlDTestBackend({ root }));
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('answers the columns DuckDB reads from a JSON array file', async () => {
    const res = await ask({
      location: 's3://kaml-datasets/stations/',
      format: 'json',
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      engine: 'duckdb',
      columns: [
        { name: 'station_id', type: 'VARCHAR' },
        { name: 'opened', type: 'DATE' },
        { name: 'elevation_m', type: 'DOUBLE' },
        { name: 'active', type: 'BOOLEAN' },
      ],
    });
  });

  it('attack: a user, or another plugin, cannot read schemas of arbitrary locations', async () => {
    const asUser = await request(server)
      .post(PATH)
      .set('Authorization', mockCredentials.user.header('user:default/mallory'))
      .send({ location: 's3://kaml-datasets/stations/', format: 'json' });
    expect(asUser.status).toBe(403);
    const asScaffolder = await ask(
      { location: 's3://kaml-datasets/stations/', format: 'json' },
      mockCredentials.service('plugin:scaffolder'),
    );
    expect(asScaffolder.status).toBe(403);
    expect(asScaffolder.body.error.message).toMatch(/Only the catalog/);
  });

  it('refuses hidden folders and formats without columns, saying what to change', async () => {
    const hidden = await ask({
      location: 's3://kaml-datasets/.kaml-d-snapshots/',
      format: 'csv',
    });
    expect(hidden.status).toBe(400);
    const images = await ask({
      location: 's3://kaml-datasets/stations/',
      format: 'images',
    });
    expect(images.status).toBe(400);
    expect(images.body.error.message).toMatch(
      /csv, tsv, json, jsonl and parquet/,
    );
  });
});
