import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  LunrSearchEngine,
  TestPipeline,
} from '@backstage/plugin-search-backend-node';
import { DatasetDocument } from './DatasetCollatorFactory';
import { DatasetCollatorFactory, datasetDocument } from '.';

function dataset(
  name: string,
  columns: Array<[string, string]>,
  extra: Partial<Entity['metadata']> = {},
): Entity {
  return {
    apiVersion: 'kaml-d.io/v1alpha1',
    kind: 'Dataset',
    metadata: { name, ...extra },
    spec: {
      owner: 'data-engineering',
      lifecycle: 'production',
      format: 'csv',
      location: `s3://kaml-datasets/${name}/`,
      schema: { columns: columns.map(([n, type]) => ({ name: n, type })) },
      size: { bytes: 1024, files: 2 },
    },
  };
}

const ENTITIES: Entity[] = [
  dataset(
    'finance-transactions',
    [
      ['transaction_id', 'varchar'],
      ['merchant_category', 'varchar'],
      ['amount', 'double'],
    ],
    {
      title: 'Finance transactions',
      description: 'Card transactions with a fraud label',
      tags: ['finance', 'pii'],
    },
  ),
  dataset('traffic-counts', [
    ['station_id', 'varchar'],
    ['vehicle_count', 'bigint'],
  ]),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'not-a-dataset',
      description: 'has merchant_category too',
    },
    spec: { type: 'service', owner: 'x', lifecycle: 'production' },
  },
];

describe('datasetDocument', () => {
  it('holds title, text with columns and tags, location and the dataset fields', () => {
    expect(datasetDocument(ENTITIES[0])).toEqual({
      title: 'Finance transactions',
      text: 'Card transactions with a fraud label\ntransaction_id varchar\nmerchant_category varchar\namount double\nfinance pii\ncsv',
      location: '/catalog/default/dataset/finance-transactions',
      kind: 'Dataset',
      type: 'other',
      componentType: 'other',
      namespace: 'default',
      name: 'finance-transactions',
      owner: 'data-engineering',
      lifecycle: 'production',
      tags: ['finance', 'pii'],
      format: 'csv',
      size: 1024,
      columns:
        'transaction_id varchar, merchant_category varchar, amount double',
      dataLocation: 's3://kaml-datasets/finance-transactions/',
      authorization: { resourceRef: 'dataset:default/finance-transactions' },
    });
  });

  it('tolerates a dataset without schema, size or tags', () => {
    const doc = datasetDocument({
      apiVersion: 'kaml-d.io/v1alpha1',
      kind: 'Dataset',
      metadata: { name: 'bare' },
      spec: {
        owner: 'o',
        lifecycle: 'l',
        format: 'images',
        location: 's3://b/bare/',
      },
    });
    expect(doc).toMatchObject({
      title: 'bare',
      columns: '',
      size: 0,
      tags: [],
      text: 'images',
    });
  });
});

describe('DatasetCollatorFactory', () => {
  const factory = DatasetCollatorFactory.create({
    catalog: catalogServiceMock({ entities: ENTITIES }),
    auth: mockServices.auth(),
    batchSize: 1,
  });

  it('collates only Dataset entities, page after page', async () => {
    expect(factory.type).toBe('kaml-d-dataset');
    const { documents } = await TestPipeline.fromCollator(
      await factory.getCollator(),
    ).execute();
    expect(documents.map(d => (d as DatasetDocument).name)).toEqual([
      'finance-transactions',
      'traffic-counts',
    ]);
  });

  it('lets Lunr find a dataset by one of its column names', async () => {
    const engine = new LunrSearchEngine({ logger: mockServices.logger.mock() });
    const indexer = await engine.getIndexer('kaml-d-dataset');
    await TestPipeline.fromCollator(await factory.getCollator())
      .withIndexer(indexer)
      .execute();

    const byColumn = await engine.query({
      term: 'vehicle_count',
      types: ['kaml-d-dataset'],
    });
    // best match first (Lunr also returns fuzzy matches further down)
    expect(byColumn.results[0].document.title).toBe('traffic-counts');
    const other = await engine.query({
      term: 'merchant_category',
      types: ['kaml-d-dataset'],
    });
    expect(other.results[0].document.title).toBe('Finance transactions');
    const byTag = await engine.query({
      term: 'pii',
      types: ['kaml-d-dataset'],
    });
    expect(byTag.results[0].document.location).toBe(
      '/catalog/default/dataset/finance-transactions',
    );
  });
});
