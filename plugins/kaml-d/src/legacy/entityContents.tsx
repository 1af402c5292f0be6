import { gatedDatasetTab, lazyEntityExtension } from './extensions';

// The entity tabs of the new system's `entityContents.tsx`, for `<EntityLayout.Route>` in a legacy
// app's EntityPage.tsx. The kind filters of the new system become where the app places them (see
// the README); the permission gate of the data-reading tabs comes with them.

/**
 * Schema tab of a Dataset (`/schema`): engine columns and types with declared classifications,
 * files and dimensions for media; behind `kaml-d.dataset.preview`.
 *
 * @public
 */
export const EntityKamlDDatasetSchemaContent = lazyEntityExtension(
  'EntityKamlDDatasetSchemaContent',
  gatedDatasetTab('Schema', () =>
    import('../components/DatasetTabs').then(m => m.DatasetSchemaContent),
  ),
);

/**
 * Preview tab of a Dataset (`/preview`): the first rows; behind `kaml-d.dataset.preview`.
 *
 * @public
 */
export const EntityKamlDDatasetPreviewContent = lazyEntityExtension(
  'EntityKamlDDatasetPreviewContent',
  gatedDatasetTab('Preview', () =>
    import('../components/DatasetTabs').then(m => m.DatasetPreviewContent),
  ),
);

/**
 * Profile tab of a Dataset (`/profile`): nulls, distinct values, min/max, top values, histogram
 * per column; behind `kaml-d.dataset.preview`.
 *
 * @public
 */
export const EntityKamlDDatasetProfileContent = lazyEntityExtension(
  'EntityKamlDDatasetProfileContent',
  gatedDatasetTab('Profile', () =>
    import('../components/DatasetTabs').then(m => m.DatasetProfileContent),
  ),
);

/**
 * Versions tab of a Dataset (`/versions`): snapshots, diff, restore and the model versions
 * trained on each.
 *
 * @public
 */
export const EntityKamlDDatasetVersionsContent = lazyEntityExtension(
  'EntityKamlDDatasetVersionsContent',
  () =>
    import('../components/VersionsTabs').then(m => m.DatasetVersionsContent),
);

/**
 * Health tab (`/health`) of a Model, an inference service (Component) or a Dataset: headline,
 * charts, workloads, events and firing alerts from Kubernetes and Prometheus.
 *
 * @public
 */
export const EntityKamlDHealthContent = lazyEntityExtension(
  'EntityKamlDHealthContent',
  () => import('../components/HealthTab').then(m => m.HealthTab),
);

/**
 * Runs tab of a Model (`/runs`): training runs with status, start, duration, GPUs and pod logs.
 *
 * @public
 */
export const EntityKamlDModelRunsContent = lazyEntityExtension(
  'EntityKamlDModelRunsContent',
  () => import('../components/RunsTab').then(m => m.RunsTab),
);

/**
 * Deployments tab of a Model (`/deployments`): version served, replicas and endpoint.
 *
 * @public
 */
export const EntityKamlDModelDeploymentsContent = lazyEntityExtension(
  'EntityKamlDModelDeploymentsContent',
  () => import('../components/RunsTab').then(m => m.DeploymentsTab),
);

/**
 * Versions tab of a Model (`/versions`): metrics, comparison, aliases, dataset snapshots and
 * deployments.
 *
 * @public
 */
export const EntityKamlDModelVersionsContent = lazyEntityExtension(
  'EntityKamlDModelVersionsContent',
  () => import('../components/VersionsTabs').then(m => m.ModelVersionsContent),
);
