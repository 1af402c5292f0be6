import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  LunrSearchEngine,
  TestPipeline,
} from '@backstage/plugin-search-backend-node';
import { ModelCollatorFactory, modelDocument } from './ModelCollatorFactory';

const MODEL: Entity = {
  apiVersion: 'kaml-d.io/v1alpha1',
  kind: 'Model',
  metadata: {
    name: 'fraud-detector',
    title: 'Fraud detector',
    description: 'Scores card transactions',
    tags: ['fraud'],
  },
  spec: {
    owner: 'group:default/data-science',
    lifecycle: 'production',
    framework: 'xgboost',
    task: 'classification',
    trainedOn: ['dataset:default/finance-transactions'],
  },
};

describe('modelDocument', () => {
  it('holds what the catalog document held plus framework, task and lineage', () => {
    expect(modelDocument(MODEL)).toEqual({
      title: 'Fraud detector',
      text: 'Scores card transactions\nxgboost classification\nfraud',
      location: '/catalog/default/model/fraud-detector',
      kind: 'Model',
      type: 'classification',
      componentType: 'classification',
      namespace: 'default',
      name: 'fraud-detector',
      owner: 'group:default/data-science',
      lifecycle: 'production',
      tags: ['fraud'],
      framework: 'xgboost',
      task: 'classification',
      trainedOn: 'dataset:default/finance-transactions',
      authorization: { resourceRef: 'model:default/fraud-detector' },
    });
  });
});

describe('ModelCollatorFactory', () => {
  it('collates only models, and Lunr finds one by its framework', async () => {
    const factory = ModelCollatorFactory.create({
      catalog: catalogServiceMock({
        entities: [
          MODEL,
          { ...MODEL, kind: 'Dataset', metadata: { name: 'not-a-model' } },
        ],
      }),
      auth: mockServices.auth(),
    });
    expect(factory.type).toBe('kaml-d-model');
    const engine = new LunrSearchEngine({ logger: mockServices.logger.mock() });
    const { documents } = await TestPipeline.fromCollator(
      await factory.getCollator(),
    ).execute();
    expect(documents.map(d => d.title)).toEqual(['Fraud detector']);
    await TestPipeline.fromCollator(await factory.getCollator())
      .withIndexer(await engine.getIndexer('kaml-d-model'))
      .execute();
    const result = await engine.query({ term: 'xgboost' });
    expect(result.results[0].document.location).toBe(
      '/catalog/default/model/fraud-detector',
    );
  });
});
