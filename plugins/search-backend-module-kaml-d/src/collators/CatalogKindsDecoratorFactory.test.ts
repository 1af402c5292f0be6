import { mockServices } from '@backstage/backend-test-utils';
import {
  LunrSearchEngine,
  TestPipeline,
} from '@backstage/plugin-search-backend-node';
import { Readable } from 'node:stream';
import { CatalogKindsDecoratorFactory } from './CatalogKindsDecoratorFactory';

const catalogDocument = (kind: string, name: string) => ({
  title: name,
  text: `${name} things`,
  location: `/catalog/default/${kind.toLowerCase()}/${name}`,
  kind,
});

describe('CatalogKindsDecoratorFactory', () => {
  it('drops the catalog documents of datasets and models, whatever the case of the kind', async () => {
    const factory = new CatalogKindsDecoratorFactory();
    expect(factory.types).toEqual(['software-catalog']);
    const engine = new LunrSearchEngine({ logger: mockServices.logger.mock() });
    const catalogDocuments = () =>
      Readable.from([
        catalogDocument('Component', 'churn-api'),
        catalogDocument('Dataset', 'churn-events'),
        catalogDocument('model', 'churn-model'),
        catalogDocument('System', 'churn'),
      ]);
    const { documents } = await TestPipeline.fromCollator(catalogDocuments())
      .withDecorator(await factory.getDecorator())
      .execute();
    expect(documents.map(d => d.title)).toEqual(['churn-api', 'churn']);

    await TestPipeline.fromCollator(catalogDocuments())
      .withDecorator(await factory.getDecorator())
      .withIndexer(await engine.getIndexer('software-catalog'))
      .execute();

    const result = await engine.query({ term: 'churn' });
    expect(result.results.map(r => r.document.title).sort()).toEqual([
      'churn',
      'churn-api',
    ]);
  });
});
