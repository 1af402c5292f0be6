import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { bindingOf, checkDatasetBinding, readDatasetBindingPolicy } from '.';

// Datasets the PersistentVolumeClaim discovery emits are bound to their pvc:// location.

function policy(volumes?: Record<string, string>) {
  return readDatasetBindingPolicy(
    new ConfigReader({
      kamlD: {
        storage: { adapter: 'file', file: { root: '/srv/kaml' } },
        ...(volumes ? { volumes } : {}),
      },
    }),
    {},
  );
}

function discovered(
  name: string,
  location: string,
  provider = 'kaml-d-pvc:rig',
): Entity {
  const origin = `${provider}:${location}`;
  return {
    apiVersion: 'kaml-d.io/v1alpha1',
    kind: 'Dataset',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'backstage.io/managed-by-location': origin,
        'backstage.io/managed-by-origin-location': origin,
      },
    },
    spec: {
      owner: 'unknown',
      lifecycle: 'experimental',
      format: 'binary',
      location,
    },
  };
}

describe('binding of pvc:// datasets', () => {
  it('binds a claim the PVC discovery of the configured cluster emitted', () => {
    const entity = discovered('frames', 'pvc://rig/kaml-d-training/frames');
    expect(
      checkDatasetBinding(entity, policy({ cluster: 'rig' }), []),
    ).toMatchObject({
      allowed: true,
      binding: { source: 'discovery' },
    });
  });

  it('binds nothing without kamlD.volumes, for another cluster, or at another depth', () => {
    const entity = discovered('frames', 'pvc://rig/kaml-d-training/frames');
    expect(bindingOf(entity, policy()).bound).toBe(false);
    expect(bindingOf(entity, policy({ cluster: 'prod' })).bound).toBe(false);
    expect(
      bindingOf(
        discovered('ns', 'pvc://rig/kaml-d-training'),
        policy({ cluster: 'rig' }),
      ).bound,
    ).toBe(false);
  });
});
