import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ElasticSearchSearchEngine } from '@backstage/plugin-search-backend-module-elasticsearch';
import { TestPipeline } from '@backstage/plugin-search-backend-node';
import { randomBytes } from 'node:crypto';
import { DatasetCollatorFactory } from '..';
import { rigEnv } from './rigEnv';

jest.setTimeout(60_000);

function dataset(name: string, columns: string[], description: string): Entity {
  return {
    apiVersion: 'kaml-d.io/v1alpha1',
    kind: 'Dataset',
    metadata: { name, description, tags: ['rig'] },
    spec: {
      owner: 'data-engineering',
      lifecycle: 'production',
      format: 'parquet',
      location: `s3://kaml-datasets/${name}/`,
      schema: { columns: columns.map(c => ({ name: c, type: 'varchar' })) },
      size: { bytes: 4096, files: 1 },
    },
  };
}

describe('dataset documents on the rig Elasticsearch', () => {
  const node = rigEnv('KAML_RIG_ES_URL');
  const indexPrefix = `kaml-d-rig-${randomBytes(4).toString('hex')}-`;

  afterAll(async () => {
    const response = await fetch(
      `${node}/_cat/indices/${indexPrefix}*?format=json`,
    );
    const indices = (await response.json()) as Array<{ index: string }>;
    for (const { index } of indices) {
      await fetch(`${node}/${encodeURIComponent(index)}`, { method: 'DELETE' });
    }
  });

  it('indexes datasets through ElasticSearchSearchEngine and finds one by a column name', async () => {
    const engine = await ElasticSearchSearchEngine.fromConfig({
      logger: mockServices.logger.mock(),
      config: new ConfigReader({ search: { elasticsearch: { node } } }),
      indexPrefix,
    });
    const factory = DatasetCollatorFactory.create({
      catalog: catalogServiceMock({
        entities: [
          dataset(
            'road-sensors',
            ['station_id', 'vehicle_count'],
            'Hourly vehicle counts',
          ),
          dataset(
            'crop-yields',
            ['plot_id', 'fertiliser_kg'],
            'Yields per plot',
          ),
        ],
      }),
      auth: mockServices.auth(),
    });
    const indexer = await engine.getIndexer('kaml-d-dataset');
    await TestPipeline.fromCollator(await factory.getCollator())
      .withIndexer(indexer)
      .execute();
    await fetch(`${node}/${indexPrefix}*/_refresh`, { method: 'POST' });

    const found = await engine.query({
      term: 'fertiliser_kg',
      types: ['kaml-d-dataset'],
    });
    expect(found.results.map(r => r.document.location)).toEqual([
      '/catalog/default/dataset/crop-yields',
    ]);
    expect(found.results[0].document).toMatchObject({
      name: 'crop-yields',
      owner: 'data-engineering',
      format: 'parquet',
      size: 4096,
      columns: 'plot_id varchar, fertiliser_kg varchar',
    });
  });
});
