import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { KubeTarget } from '../kubernetes/target';
import { InMemoryKubeClient } from './InMemoryKubeClient';
import { addNodes, simulateControllers } from './controllers';

/** A fake cluster with the rig's nodes and namespaces, and a catalog with two datasets. */
export function setup(options: { delayReads?: number } = {}) {
  const cluster = new InMemoryKubeClient();
  addNodes(cluster);
  simulateControllers(cluster, options.delayReads ?? 1);
  const kubernetes: KubeTarget = {
    client: cluster,
    trainingNamespace: 'kaml-d-training',
    modelsNamespace: 'kaml-d-models',
  };
  const catalog = catalogServiceMock({
    entities: [
      {
        apiVersion: 'kaml-d.io/v1alpha1',
        kind: 'Dataset',
        metadata: { name: 'customer-churn', namespace: 'default' },
        spec: {
          location: 's3://kaml-datasets/customer-churn/',
          owner: 'group:default/ml',
        },
      },
      {
        apiVersion: 'kaml-d.io/v1alpha1',
        kind: 'Dataset',
        metadata: { name: 'no-location', namespace: 'default' },
        spec: { owner: 'group:default/ml' },
      },
      // a project with its own namespace, and one whose annotation is not a namespace name
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'System',
        metadata: {
          name: 'fraud',
          namespace: 'default',
          annotations: { 'kaml-d.io/namespace': 'team-fraud' },
        },
        spec: { owner: 'group:default/ml' },
      },
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'System',
        metadata: {
          name: 'misnamed',
          namespace: 'default',
          annotations: { 'kaml-d.io/namespace': 'Team_Fraud' },
        },
        spec: { owner: 'group:default/ml' },
      },
      {
        apiVersion: 'kaml-d.io/v1alpha1',
        kind: 'Model',
        metadata: { name: 'fraud-scorer', namespace: 'default' },
        spec: { owner: 'group:default/ml', system: 'fraud' },
      },
      {
        apiVersion: 'kaml-d.io/v1alpha1',
        kind: 'Model',
        metadata: { name: 'misplaced-model', namespace: 'default' },
        spec: { owner: 'group:default/ml', system: 'misnamed' },
      },
    ],
  });
  return { cluster, kubernetes, catalog };
}
