import {
  SearchFilterResultTypeBlueprint,
  SearchResultListItemBlueprint,
} from '@backstage/plugin-search-react/alpha';
import StorageIcon from '@material-ui/icons/Storage';
import MemoryIcon from '@material-ui/icons/Memory';
import { KAML_D_RESULT_TYPES } from './components/Search/searchHit';

/** Datasets and models in the search page's results: type, and the matched column or description. */
export const kamlDSearchResultListItem = SearchResultListItemBlueprint.make({
  params: {
    predicate: result => result.type in KAML_D_RESULT_TYPES,
    component: () =>
      import('./components/Search/KamlDSearchResultItem').then(
        m => m.KamlDSearchResultItem,
      ),
  },
});

/** "Dataset" among the search page's result types. */
export const datasetSearchResultType = SearchFilterResultTypeBlueprint.make({
  name: 'dataset',
  params: {
    value: 'kaml-d-dataset',
    name: 'Dataset',
    icon: <StorageIcon />,
  },
});

/** "Model" among the search page's result types. */
export const modelSearchResultType = SearchFilterResultTypeBlueprint.make({
  name: 'model',
  params: { value: 'kaml-d-model', name: 'Model', icon: <MemoryIcon /> },
});

export const kamlDSearchExtensions = [
  kamlDSearchResultListItem,
  datasetSearchResultType,
  modelSearchResultType,
];
