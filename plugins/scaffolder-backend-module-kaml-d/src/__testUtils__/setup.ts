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
    ],
  });
  return { cluster, kubernetes, catalog };
}
