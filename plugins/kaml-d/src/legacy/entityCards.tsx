import { lazyEntityExtension } from './extensions';

// The entity cards of the new system's `entityCards.tsx`, for the overview of a legacy app's
// EntityPage.tsx (inside `EntitySwitch.Case if={isKamlDDataset}` / `if={isKamlDModel}`).

/**
 * Format, location, size, row count, owner and tags of a Dataset.
 *
 * @public
 */
export const EntityKamlDDatasetAboutCard = lazyEntityExtension(
  'EntityKamlDDatasetAboutCard',
  () => import('../components/DatasetPage').then(m => m.DatasetAboutCard),
);

/**
 * The declared columns of a Dataset with their classification.
 *
 * @public
 */
export const EntityKamlDDatasetSchemaCard = lazyEntityExtension(
  'EntityKamlDDatasetSchemaCard',
  () => import('../components/DatasetPage').then(m => m.DatasetSchemaCard),
);

/**
 * The models trained on a Dataset.
 *
 * @public
 */
export const EntityKamlDDatasetUsedByCard = lazyEntityExtension(
  'EntityKamlDDatasetUsedByCard',
  () => import('../components/DatasetPage').then(m => m.DatasetUsedByCard),
);

/**
 * Framework, task, artifact, owner and notebooks of a Model.
 *
 * @public
 */
export const EntityKamlDModelAboutCard = lazyEntityExtension(
  'EntityKamlDModelAboutCard',
  () => import('../components/ModelPage').then(m => m.ModelAboutCard),
);

/**
 * Train and Deploy for a Model, disabled with the reason for users without the permission.
 *
 * @public
 */
export const EntityKamlDModelActionsCard = lazyEntityExtension(
  'EntityKamlDModelActionsCard',
  () => import('../components/ModelPage').then(m => m.ModelActionsCard),
);

/**
 * The datasets a Model was trained on.
 *
 * @public
 */
export const EntityKamlDModelTrainedOnCard = lazyEntityExtension(
  'EntityKamlDModelTrainedOnCard',
  () => import('../components/ModelPage').then(m => m.ModelTrainedOnCard),
);

/**
 * The endpoint, runtime and inference service of a Model.
 *
 * @public
 */
export const EntityKamlDModelServingCard = lazyEntityExtension(
  'EntityKamlDModelServingCard',
  () => import('../components/ModelPage').then(m => m.ModelServingCard),
);

/**
 * The signed-in user's JupyterHub servers (status, last activity, JupyterLab link), for model and
 * system pages; renders nothing unless the backend has `kamlD.notebooks` configured.
 *
 * @public
 */
export const EntityKamlDNotebooksCard = lazyEntityExtension(
  'EntityKamlDNotebooksCard',
  () => import('../components/Notebooks').then(m => m.NotebooksCard),
);
