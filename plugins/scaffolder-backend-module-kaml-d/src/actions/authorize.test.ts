import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { runAction } from '../__testUtils__/actionContext';
import { setup } from '../__testUtils__/setup';
import { createModelDeployAction } from './modelDeploy';
import { createTrainingLaunchAction } from './trainingLaunch';

function permissionsAnswering(
  result: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
) {
  const permissions = mockServices.permissions.mock();
  permissions.authorize.mockImplementation(async requests =>
    requests.map(() => ({ result })),
  );
  return permissions;
}

const trainInput = {
  model: 'churn-classifier',
  image: 'ghcr.io/example/train:1.0',
  command: ['python', 'train.py'],
  datasets: ['dataset:default/customer-churn'],
};

const deployInput = {
  model: 'model:default/churn-classifier',
  image: 'ghcr.io/example/server:1.0',
  version: '1.0',
  replicas: 1,
};

describe('permission checks of the model actions', () => {
  it('refuses to train without kaml-d.model.train and creates no Job', async () => {
    const { cluster, kubernetes, catalog } = setup();
    const permissions = permissionsAnswering(AuthorizeResult.DENY);
    const action = createTrainingLaunchAction({
      kubernetes,
      catalog,
      permissions,
    });
    await expect(runAction(action, trainInput)).rejects.toThrow(
      /kaml-d\.model\.train is required on model:default\/churn-classifier/,
    );
    expect(cluster.all('Job')).toEqual([]);
    // asked on the model entity, with the initiator's credentials
    expect(permissions.authorize).toHaveBeenCalledWith(
      [
        {
          permission: expect.objectContaining({ name: 'kaml-d.model.train' }),
          resourceRef: 'model:default/churn-classifier',
        },
      ],
      {
        credentials: expect.objectContaining({ principal: expect.anything() }),
      },
    );
  });

  it('trains when the permission is granted', async () => {
    const { cluster, kubernetes, catalog } = setup();
    const permissions = permissionsAnswering(AuthorizeResult.ALLOW);
    const action = createTrainingLaunchAction({
      kubernetes,
      catalog,
      permissions,
    });
    await runAction(action, trainInput);
    expect(cluster.all('Job')).toHaveLength(1);
  });

  it('attack: a user who may train but not read a pii dataset cannot launch a run on it (no Job)', async () => {
    const { cluster, kubernetes } = setup();
    const catalog = catalogServiceMock({
      entities: [
        {
          apiVersion: 'kaml-d.io/v1alpha1',
          kind: 'Dataset',
          metadata: { name: 'customers-pii', namespace: 'default' },
          spec: {
            owner: 'group:default/finance',
            location: 's3://kaml-datasets/customers-pii/',
            schema: {
              columns: [
                { name: 'email', type: 'varchar', classification: 'pii' },
              ],
            },
          },
        },
        {
          apiVersion: 'kaml-d.io/v1alpha1',
          kind: 'Dataset',
          metadata: { name: 'customer-churn', namespace: 'default' },
          spec: {
            owner: 'group:default/ml',
            location: 's3://kaml-datasets/customer-churn/',
          },
        },
      ],
    });
    // the policy's answer for a data scientist: train yes, the pii dataset's data no
    const permissions = mockServices.permissions.mock();
    permissions.authorize.mockImplementation(async requests =>
      requests.map(r => ({
        result:
          'resourceRef' in r &&
          r.resourceRef === 'dataset:default/customers-pii'
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      })),
    );
    const action = createTrainingLaunchAction({
      kubernetes,
      catalog,
      permissions,
    });
    await expect(
      runAction(action, {
        ...trainInput,
        datasets: [
          'dataset:default/customer-churn',
          'dataset:default/customers-pii',
        ],
      }),
    ).rejects.toThrow(
      'kaml-d.dataset.query is required on dataset:default/customers-pii: you may not train on its data',
    );
    expect(cluster.mutations).toEqual([]);
    expect(cluster.all('Job')).toEqual([]);
    // asked for the data of each dataset, with the initiator's credentials
    expect(permissions.authorize).toHaveBeenCalledWith(
      [
        {
          permission: expect.objectContaining({ name: 'kaml-d.dataset.query' }),
          resourceRef: 'dataset:default/customer-churn',
        },
        {
          permission: expect.objectContaining({ name: 'kaml-d.dataset.query' }),
          resourceRef: 'dataset:default/customers-pii',
        },
      ],
      {
        credentials: expect.objectContaining({ principal: expect.anything() }),
      },
    );
  });

  it('refuses to deploy without kaml-d.model.deploy and creates nothing', async () => {
    const { cluster, kubernetes } = setup();
    const permissions = permissionsAnswering(AuthorizeResult.DENY);
    const action = createModelDeployAction({ kubernetes, permissions });
    await expect(runAction(action, deployInput)).rejects.toThrow(
      /kaml-d\.model\.deploy is required on model:default\/churn-classifier/,
    );
    expect(cluster.all('Deployment')).toEqual([]);
    expect(cluster.all('Service')).toEqual([]);
  });

  it('deploys when the permission is granted', async () => {
    const { cluster, kubernetes } = setup();
    const permissions = permissionsAnswering(AuthorizeResult.ALLOW);
    const action = createModelDeployAction({ kubernetes, permissions });
    await runAction(action, deployInput);
    expect(cluster.all('Deployment')).toHaveLength(1);
  });
});
