import { CatalogFilterBlueprint } from '@backstage/plugin-catalog-react/alpha';

/** Catalog list filter on the format of Datasets. */
export const datasetFormatCatalogFilter = CatalogFilterBlueprint.make({
  name: 'dataset-format',
  params: {
    loader: () =>
      import('./components/CatalogFilters').then(m => (
        <m.DatasetFormatPicker />
      )),
  },
});

/** Catalog list filter on the framework of Models. */
export const modelFrameworkCatalogFilter = CatalogFilterBlueprint.make({
  name: 'model-framework',
  params: {
    loader: () =>
      import('./components/CatalogFilters').then(m => (
        <m.ModelFrameworkPicker />
      )),
  },
});
