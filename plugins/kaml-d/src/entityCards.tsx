import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';

const isDataset = { kind: 'dataset' };
const isModel = { kind: 'model' };

/** Format, location, size, owner and tags of a Dataset. */
export const datasetAboutEntityCard = EntityCardBlueprint.make({
  name: 'dataset-about',
  params: {
    type: 'info',
    filter: isDataset,
    loader: () =>
      import('./components/DatasetPage').then(m => <m.DatasetAboutCard />),
  },
});

/** The declared columns of a Dataset with their classification. */
export const datasetSchemaEntityCard = EntityCardBlueprint.make({
  name: 'dataset-schema',
  params: {
    type: 'content',
    filter: isDataset,
    loader: () =>
      import('./components/DatasetPage').then(m => <m.DatasetSchemaCard />),
  },
});

/** The models trained on a Dataset. */
export const datasetUsedByEntityCard = EntityCardBlueprint.make({
  name: 'dataset-used-by',
  params: {
    type: 'content',
    filter: isDataset,
    loader: () =>
      import('./components/DatasetPage').then(m => <m.DatasetUsedByCard />),
  },
});

/** Framework, task, artifact, owner and notebooks of a Model. */
export const modelAboutEntityCard = EntityCardBlueprint.make({
  name: 'model-about',
  params: {
    type: 'info',
    filter: isModel,
    loader: () =>
      import('./components/ModelPage').then(m => <m.ModelAboutCard />),
  },
});

/** Train and Deploy for a Model, disabled with the reason for users without the permission. */
export const modelActionsEntityCard = EntityCardBlueprint.make({
  name: 'model-actions',
  params: {
    type: 'content',
    filter: isModel,
    loader: () =>
      import('./components/ModelPage').then(m => <m.ModelActionsCard />),
  },
});

/** The datasets a Model was trained on. */
export const modelTrainedOnEntityCard = EntityCardBlueprint.make({
  name: 'model-trained-on',
  params: {
    type: 'content',
    filter: isModel,
    loader: () =>
      import('./components/ModelPage').then(m => <m.ModelTrainedOnCard />),
  },
});

/** The endpoint, runtime and inference service of a Model. */
export const modelServingEntityCard = EntityCardBlueprint.make({
  name: 'model-serving',
  params: {
    type: 'content',
    filter: isModel,
    loader: () =>
      import('./components/ModelPage').then(m => <m.ModelServingCard />),
  },
});

/** The user's JupyterHub servers, on models and projects (systems); hidden without notebooks. */
export const notebooksEntityCard = EntityCardBlueprint.make({
  name: 'notebooks',
  params: {
    type: 'content',
    filter: { kind: { $in: ['model', 'system'] } },
    loader: () =>
      import('./components/Notebooks').then(m => <m.NotebooksCard />),
  },
});

/** Every entity card of the KAML-D plugin. */
export const kamlDEntityCards = [
  datasetAboutEntityCard,
  datasetSchemaEntityCard,
  datasetUsedByEntityCard,
  modelAboutEntityCard,
  modelActionsEntityCard,
  modelTrainedOnEntityCard,
  modelServingEntityCard,
  notebooksEntityCard,
];
