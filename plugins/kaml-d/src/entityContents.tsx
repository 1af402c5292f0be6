import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';

const isDataset = { kind: 'dataset' };

/**
 * A dataset tab that reads the data, behind `kaml-d.dataset.preview`: users without it read why
 * and may request access instead.
 */
async function gatedDatasetTab(
  action: string,
  tab: () => Promise<JSX.Element>,
): Promise<JSX.Element> {
  const [{ DatasetAccessGate }, content] = await Promise.all([
    import('./components/AccessRequests'),
    tab(),
  ]);
  return <DatasetAccessGate action={action}>{content}</DatasetAccessGate>;
}

/** Columns and types of a Dataset as the query engine reads them, with declared classifications. */
export const datasetSchemaEntityContent = EntityContentBlueprint.make({
  name: 'dataset-schema',
  params: {
    path: '/schema',
    title: 'Schema',
    filter: isDataset,
    loader: () =>
      gatedDatasetTab('Schema', () =>
        import('./components/DatasetTabs').then(m => (
          <m.DatasetSchemaContent />
        )),
      ),
  },
});

/** The first rows of a Dataset. */
export const datasetPreviewEntityContent = EntityContentBlueprint.make({
  name: 'dataset-preview',
  params: {
    path: '/preview',
    title: 'Preview',
    filter: isDataset,
    loader: () =>
      gatedDatasetTab('Preview', () =>
        import('./components/DatasetTabs').then(m => (
          <m.DatasetPreviewContent />
        )),
      ),
  },
});

/** Per-column profile of a Dataset: nulls, distinct values, min/max, top values, histogram. */
export const datasetProfileEntityContent = EntityContentBlueprint.make({
  name: 'dataset-profile',
  params: {
    path: '/profile',
    title: 'Profile',
    filter: isDataset,
    loader: () =>
      gatedDatasetTab('Profile', () =>
        import('./components/DatasetTabs').then(m => (
          <m.DatasetProfileContent />
        )),
      ),
  },
});

/**
 * Health of a Model, inference service (Component) or Dataset from Kubernetes and Prometheus:
 * headline, charts, workloads, events and firing alerts.
 */
export const healthEntityContent = EntityContentBlueprint.make({
  name: 'health',
  params: {
    path: '/health',
    title: 'Health',
    filter: { kind: { $in: ['model', 'component', 'dataset'] } },
    loader: () => import('./components/HealthTab').then(m => <m.HealthTab />),
  },
});

/** Snapshots of a Dataset: timeline, diff, restore and the model versions trained on each. */
export const datasetVersionsEntityContent = EntityContentBlueprint.make({
  name: 'dataset-versions',
  params: {
    path: '/versions',
    title: 'Versions',
    filter: isDataset,
    loader: () =>
      import('./components/VersionsTabs').then(m => (
        <m.DatasetVersionsContent />
      )),
  },
});

/** Versions of a Model: metrics, comparison, aliases, dataset snapshots and deployments. */
export const modelVersionsEntityContent = EntityContentBlueprint.make({
  name: 'model-versions',
  params: {
    path: '/versions',
    title: 'Versions',
    filter: { kind: 'model' },
    loader: () =>
      import('./components/VersionsTabs').then(m => <m.ModelVersionsContent />),
  },
});

/** Training runs of a Model: status, start, duration, GPUs and pod logs (follow, previous container). */
export const modelRunsEntityContent = EntityContentBlueprint.make({
  name: 'model-runs',
  params: {
    path: '/runs',
    title: 'Runs',
    filter: { kind: 'model' },
    loader: () => import('./components/RunsTab').then(m => <m.RunsTab />),
  },
});

/** Serving Deployments of a Model: version served, replicas desired/ready and endpoint. */
export const modelDeploymentsEntityContent = EntityContentBlueprint.make({
  name: 'model-deployments',
  params: {
    path: '/deployments',
    title: 'Deployments',
    filter: { kind: 'model' },
    loader: () =>
      import('./components/RunsTab').then(m => <m.DeploymentsTab />),
  },
});

/** Every entity content (tab) of the KAML-D plugin. */
export const kamlDEntityContents = [
  datasetSchemaEntityContent,
  datasetPreviewEntityContent,
  datasetProfileEntityContent,
  datasetVersionsEntityContent,
  healthEntityContent,
  modelRunsEntityContent,
  modelDeploymentsEntityContent,
  modelVersionsEntityContent,
];
