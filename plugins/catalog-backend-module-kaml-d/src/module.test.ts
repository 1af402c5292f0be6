import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { useCatalogHarness } from './__testUtils__/catalog';

describe('catalogModuleKamlD', () => {
  jest.setTimeout(60_000);
  const { startCatalog, relations, getEntity } = useCatalogHarness();

  it('processes Datasets and Models and stores their relations both ways', async () => {
    const { server, processingErrors } = await startCatalog();

    const model = await getEntity(
      server,
      'model/default/fraud-detector',
      'trainedOn dataset:default/finance-transactions',
    );
    expect(model.spec?.framework).toBe('xgboost');
    expect(relations(model)).toEqual([
      'ownedBy group:default/data-science',
      'partOf system:default/fraud-detection',
      'servedBy api:default/fraud-detector-api',
      'servedBy component:default/fraud-detector-service',
      'trainedOn dataset:default/finance-transactions',
    ]);

    const dataset = await getEntity(
      server,
      'dataset/default/finance-transactions',
      'trainingDataOf model:default/fraud-detector',
    );
    expect(relations(dataset)).toEqual([
      'ownedBy group:default/data-science',
      'partOf system:default/fraud-detection',
      'trainingDataOf model:default/fraud-detector',
    ]);

    await expect(
      getEntity(
        server,
        'component/default/fraud-detector-service',
        'serves model:default/fraud-detector',
      ),
    ).resolves.toBeDefined();
    await expect(
      getEntity(
        server,
        'api/default/fraud-detector-api',
        'serves model:default/fraud-detector',
      ),
    ).resolves.toBeDefined();
    const system = await getEntity(
      server,
      'system/default/fraud-detection',
      'hasPart model:default/fraud-detector',
    );
    expect(relations(system)).toContain(
      'hasPart dataset:default/finance-transactions',
    );

    // the broken dataset is reported with the offending field, and kept out of the catalog
    for (let i = 0; i < 100 && !processingErrors.length; i++) {
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    expect(processingErrors).toEqual([
      {
        entity: 'broken-dataset',
        message: expect.stringMatching(
          /Invalid Dataset "broken-dataset": \/spec\/format must be equal to one of the allowed values/,
        ),
      },
    ]);
    const broken = await request(server)
      .get('/api/catalog/entities/by-name/dataset/default/broken-dataset')
      .set('Authorization', mockCredentials.user.header());
    expect(broken.status).toBe(404);
  });

  it('makes the new kinds filterable like any other kind', async () => {
    const { server } = await startCatalog();
    await getEntity(
      server,
      'model/default/fraud-detector',
      'ownedBy group:default/data-science',
    );
    const res = await request(server)
      .get('/api/catalog/entity-facets?facet=kind&facet=spec.format')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    expect(res.body.facets.kind).toEqual(
      expect.arrayContaining([
        { value: 'Dataset', count: 1 },
        { value: 'Model', count: 1 },
      ]),
    );
    expect(res.body.facets['spec.format']).toEqual([
      { value: 'csv', count: 1 },
    ]);
  });
});
