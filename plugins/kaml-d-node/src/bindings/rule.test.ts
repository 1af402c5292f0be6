import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { resolve } from 'node:path';
import {
  bindingOf,
  canonicalLocation,
  isTrustedOrigin,
  locationsOverlap,
  readDatasetBindingPolicy,
} from '.';

const ROOT = '/srv/kaml/storage';
const SEED = resolve('catalog/all.yaml');

const policy = readDatasetBindingPolicy(
  new ConfigReader({
    kamlD: {
      storage: { adapter: 'file', file: { root: ROOT } },
      bindings: {
        trustedOrigins: [{ type: 'file', target: 'catalog/all.yaml' }],
        mappings: [
          {
            entityRef: 'dataset:default/ledger',
            location: 'trino://hive/finance/ledger',
            owner: 'group:default/finance',
          },
        ],
      },
    },
    catalog: {
      providers: {
        kamlD: {
          objectStore: [{ id: 'local', location: 's3://kaml-datasets/' }],
          trino: [{ id: 'rig', server: 'http://trino:8080', catalog: 'hive' }],
        },
      },
    },
  }),
  {},
);

function dataset(
  name: string,
  location: string,
  origin: string,
  owner = 'data-engineering',
  managedBy = origin,
): Entity {
  return {
    apiVersion: 'kaml-d.io/v1alpha1',
    kind: 'Dataset',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'backstage.io/managed-by-location': managedBy,
        'backstage.io/managed-by-origin-location': origin,
      },
    },
    spec: { owner, lifecycle: 'production', format: 'csv', location },
  };
}

describe('canonicalLocation', () => {
  const storage = policy.storage;
  it.each([
    's3://kaml-datasets/a',
    's3://KAML-DATASETS/a/',
    's3://kaml-datasets//a//',
    's3://kaml-datasets/./a',
    's3://kaml-datasets/b/../a',
    's3://kaml-datasets/%61',
    's3://kaml-datasets/%2e/a?x=1',
    `file://${ROOT}/kaml-datasets/a/`,
  ])('%s names s3 folder kaml-datasets/a with the file adapter', spelled => {
    expect(canonicalLocation(spelled, storage)).toEqual({
      store: 'file',
      segments: ['kaml-datasets', 'a'],
    });
  });

  it('folds Trino identifiers and decodes them', () => {
    expect(canonicalLocation('trino://Hive/Fin%61nce/T', storage)).toEqual({
      store: 'trino',
      segments: ['hive', 'finance', 't'],
    });
  });

  it('sees a bucket root and a parent prefix overlap a folder, and siblings not', () => {
    const folder = canonicalLocation('s3://b/x/y/', storage)!;
    expect(
      locationsOverlap(canonicalLocation('s3://b', storage)!, folder),
    ).toBe(true);
    expect(
      locationsOverlap(canonicalLocation('s3://b/x', storage)!, folder),
    ).toBe(true);
    expect(
      locationsOverlap(canonicalLocation('s3://b/x/yz', storage)!, folder),
    ).toBe(false);
    expect(
      locationsOverlap(canonicalLocation('trino://b/x/y', storage)!, folder),
    ).toBe(false);
  });
});

describe('isTrustedOrigin', () => {
  it('trusts entities whose origin an admin listed, and nothing else', () => {
    const seed = dataset('a', 's3://kaml-datasets/a/', `file:${SEED}`);
    const registered = dataset(
      'a',
      's3://kaml-datasets/a/',
      'url:https://git.example/a.yaml',
    );
    const discovered = dataset(
      'a',
      's3://kaml-datasets/a/',
      'kaml-d-object-store:local:s3://kaml-datasets/a/',
    );
    expect(isTrustedOrigin(seed, policy)).toBe(true);
    expect(isTrustedOrigin(registered, policy)).toBe(false);
    expect(isTrustedOrigin(discovered, policy)).toBe(false);
  });
});

describe('bindingOf', () => {
  it('binds discovered, trusted and mapped datasets', () => {
    expect(
      bindingOf(
        dataset(
          'a',
          's3://kaml-datasets/a/',
          'kaml-d-object-store:local:s3://kaml-datasets/a/',
        ),
        policy,
      ),
    ).toMatchObject({ bound: true, source: 'discovery' });
    expect(
      bindingOf(
        dataset(
          't',
          'trino://hive/sales/orders',
          'kaml-d-trino:rig:trino://hive/sales/orders',
        ),
        policy,
      ),
    ).toMatchObject({ bound: true, source: 'discovery' });
    expect(
      bindingOf(dataset('a', 's3://kaml-datasets/a/', `file:${SEED}`), policy),
    ).toMatchObject({ bound: true, source: 'trusted-origin' });
    expect(
      bindingOf(
        dataset(
          'ledger',
          'trino://hive/finance/ledger',
          'url:https://git.example/l.yaml',
          'finance',
        ),
        policy,
      ),
    ).toMatchObject({ bound: true, source: 'mapping' });
  });

  it('binds no location for an entity from a registered url location', () => {
    expect(
      bindingOf(
        dataset(
          'mine',
          's3://kaml-datasets/finance-transactions/',
          'url:https://git.example/x.yaml',
        ),
        policy,
      ),
    ).toMatchObject({
      bound: false,
      reason: expect.stringContaining(
        'url:https://git.example/x.yaml, a source that may not bind storage',
      ),
    });
  });

  it('binds nothing for a discovery origin for another folder, a folder outside the root or a forged managed-by-location binds nothing', () => {
    const cases = [
      dataset(
        'a',
        's3://kaml-datasets/b/',
        'kaml-d-object-store:local:s3://kaml-datasets/a/',
      ),
      dataset(
        'a',
        's3://kaml-datasets/',
        'kaml-d-object-store:local:s3://kaml-datasets/',
      ),
      dataset('a', 's3://other/a/', 'kaml-d-object-store:local:s3://other/a/'),
      dataset(
        'a',
        's3://kaml-datasets/a/b/',
        'kaml-d-object-store:local:s3://kaml-datasets/a/b/',
      ),
      dataset(
        'a',
        'trino://system/runtime/nodes',
        'kaml-d-trino:rig:trino://system/runtime/nodes',
      ),
      dataset(
        'a',
        's3://kaml-datasets/a/',
        'kaml-d-object-store:local:s3://kaml-datasets/a/',
        'data-engineering',
        'url:https://git.example/a.yaml',
      ),
      dataset(
        'a',
        's3://kaml-datasets/a/',
        'kaml-d-object-store:gone:s3://kaml-datasets/a/',
      ),
    ];
    for (const entity of cases) {
      expect(bindingOf(entity, policy)).toMatchObject({ bound: false });
    }
  });

  it('does not bind a mapped location to an entity with another owner', () => {
    expect(
      bindingOf(
        dataset(
          'ledger',
          'trino://hive/finance/ledger',
          `file:${SEED}`,
          'group:default/attackers',
        ),
        policy,
      ),
    ).toMatchObject({
      bound: false,
      reason: expect.stringContaining(
        'with owner group:default/finance, but it names owner group:default/attackers',
      ),
    });
  });
});

describe('readDatasetBindingPolicy', () => {
  it('refuses overlapping mappings, naming both', () => {
    expect(() =>
      readDatasetBindingPolicy(
        new ConfigReader({
          kamlD: {
            bindings: {
              mappings: [
                { entityRef: 'a', location: 's3://b/x/', owner: 'team' },
                { entityRef: 'c', location: 's3://b/', owner: 'team' },
              ],
            },
          },
        }),
        {},
      ),
    ).toThrow(
      /mappings\[1\] \(s3:\/\/b\/\) overlaps mappings\[0\] \(s3:\/\/b\/x\/\)/,
    );
  });
});
