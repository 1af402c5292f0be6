import { createExtensionTester } from '@backstage/frontend-test-utils';
import {
  SearchFilterResultTypeBlueprint,
  SearchResultListItemBlueprint,
} from '@backstage/plugin-search-react/alpha';
import {
  datasetSearchResultType,
  kamlDSearchResultListItem,
  modelSearchResultType,
} from './searchExtensions';

describe('search page extensions', () => {
  it('offers Dataset and Model as result types', () => {
    const types = [
      createExtensionTester(datasetSearchResultType).get(
        SearchFilterResultTypeBlueprint.dataRefs.resultType,
      ),
      createExtensionTester(modelSearchResultType).get(
        SearchFilterResultTypeBlueprint.dataRefs.resultType,
      ),
    ];
    expect(types.map(t => [t.value, t.name])).toEqual([
      ['kaml-d-dataset', 'Dataset'],
      ['kaml-d-model', 'Model'],
    ]);
  });

  it('renders datasets and models with the KAML-D item, other results not', () => {
    const item = createExtensionTester(kamlDSearchResultListItem).get(
      SearchResultListItemBlueprint.dataRefs.item,
    );
    const result = (type: string) => ({
      type,
      document: { title: 't', text: '', location: '/' },
    });
    expect(item.predicate?.(result('kaml-d-dataset'))).toBe(true);
    expect(item.predicate?.(result('kaml-d-model'))).toBe(true);
    expect(item.predicate?.(result('software-catalog'))).toBe(false);
  });
});
