import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { LocationSpec } from '@backstage/plugin-catalog-node';
import {
  bindingHolders,
  originLocationRef,
  readDatasetBindingPolicy,
} from '@kaml-d/plugin-kaml-d-node';
import { KamlDEntitiesProcessor } from './KamlDEntitiesProcessor';

const STORAGE_ROOT = '/srv/kaml-d/storage';
const SEED = originLocationRef('file', 'catalog/all.yaml');
const HOSTILE =
  'url:https://git.example.com/mallory/datasets/blob/main/catalog-info.yaml';
const location: LocationSpec = { type: 'url', target: HOSTILE.slice(4) };

const policy = readDatasetBindingPolicy(
  new ConfigReader({
    kamlD: {
      storage: { adapter: 'file', file: { root: STORAGE_ROOT } },
      bindings: {
        trustedOrigins: [{ type: 'file', target: 'catalog/all.yaml' }],
        mappings: [
          {
            entityRef: 'dataset:default/ledger',
            location: 'trino://hive/finance/ledger',
            owner: 'group:default/finance',
          },
          {
            entityRef: 'dataset:default/cards',
            location: 's3://warehouse/finance/cards/',
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
  spec: { location: string; owner?: string },
  origin: string,
): Entity {
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
      lifecycle: 'production',
      format: 'csv',
      owner: spec.owner ?? 'group:default/mallory',
      location: spec.location,
    },
  };
}

/** The finance team's folder, found by discovery. */
const discovered = dataset(
  'finance-transactions',
  {
    location: 's3://kaml-datasets/finance-transactions/',
    owner: 'data-engineering',
  },
  'kaml-d-object-store:local:s3://kaml-datasets/finance-transactions/',
);
/** A dataset of the admin's seed catalog file. */
const seeded = dataset(
  'traffic-counts',
  { location: 's3://kaml-datasets/traffic-counts/', owner: 'data-engineering' },
  SEED,
);
const ledger = dataset(
  'ledger',
  { location: 'trino://hive/finance/ledger', owner: 'finance' },
  SEED,
);

const processor = new KamlDEntitiesProcessor({
  bindingPolicy: policy,
  bindingHolders: async () =>
    bindingHolders([discovered, seeded, ledger], policy),
});

function process(entity: Entity) {
  return processor.postProcessEntity(entity, location, () => {});
}

const FINANCE_HOLDER =
  's3://kaml-datasets/finance-transactions/ is bound to dataset:default/finance-transactions (owner group:default/data-engineering, by discovery)';

describe('KamlDEntitiesProcessor storage bindings', () => {
  it('attack: a Dataset from a registered url location cannot claim another team’s discovered folder', async () => {
    const claim = process(
      dataset(
        'mine',
        { location: 's3://kaml-datasets/finance-transactions/' },
        HOSTILE,
      ),
    );
    await expect(claim).rejects.toMatchObject({ name: 'InputError' });
    await expect(claim).rejects.toThrow(FINANCE_HOLDER);
    await expect(claim).rejects.toThrow(
      `it comes from ${HOSTILE}, a source that may not bind storage`,
    );
  });

  it.each([
    ['s3://KAML-DATASETS/finance-transactions'],
    ['s3://kaml-datasets/finance-transactions'],
    ['s3://kaml-datasets/./finance-transactions'],
    ['s3://kaml-datasets//finance-transactions//'],
    ['s3://kaml-datasets/%66inance-transactions/'],
    ['s3://kaml-datasets/x/../finance-transactions/'],
    [`file://${STORAGE_ROOT}/kaml-datasets/finance-transactions/`],
  ])('attack: the same folder spelled %s is the same folder', async spelled => {
    await expect(
      process(dataset('mine', { location: spelled }, HOSTILE)),
    ).rejects.toThrow(FINANCE_HOLDER);
  });

  it('attack: the bucket root overlaps every dataset folder in it', async () => {
    await expect(
      process(dataset('all', { location: 's3://kaml-datasets/' }, HOSTILE)),
    ).rejects.toThrow(
      /s3:\/\/kaml-datasets\/\S+ is bound to dataset:default\//,
    );
  });

  it('attack: a parent prefix of a mapped folder names the mapping’s dataset and owner', async () => {
    await expect(
      process(
        dataset('finance', { location: 's3://warehouse/finance/' }, HOSTILE),
      ),
    ).rejects.toThrow(
      's3://warehouse/finance/cards/ is bound to dataset:default/cards (owner group:default/finance, by an admin mapping)',
    );
  });

  it('attack: a Trino table cannot be claimed', async () => {
    await expect(
      process(
        dataset(
          'ledger-copy',
          { location: 'trino://Hive/finance/LEDGER' },
          HOSTILE,
        ),
      ),
    ).rejects.toThrow(
      'trino://hive/finance/ledger is bound to dataset:default/ledger (owner group:default/finance, by an admin mapping)',
    );
    await expect(
      process(
        dataset('orders', { location: 'trino://hive/sales/orders' }, HOSTILE),
      ),
    ).rejects.toThrow('No dataset is bound to that location');
  });

  it('attack: an unbound folder cannot be claimed either', async () => {
    await expect(
      process(
        dataset('fresh', { location: 's3://kaml-datasets/not-yet/' }, HOSTILE),
      ),
    ).rejects.toThrow(
      /No dataset is bound to that location\. Storage is bound to a dataset by KAML-D discovery/,
    );
  });

  it('attack: a mapped location with another owner is rejected, naming the mapping’s owner', async () => {
    await expect(
      process(
        dataset(
          'ledger',
          { location: 'trino://hive/finance/ledger', owner: 'mallory' },
          SEED,
        ),
      ),
    ).rejects.toThrow(
      'kamlD.bindings.mappings binds trino://hive/finance/ledger to it with owner group:default/finance, but it names owner group:default/mallory',
    );
  });

  it('attack: a discovery origin written by hand from an untrusted location binds nothing', async () => {
    const forged = dataset(
      'mine',
      { location: 's3://kaml-datasets/finance-transactions/' },
      HOSTILE,
    );
    forged.metadata.annotations!['backstage.io/managed-by-origin-location'] =
      'kaml-d-object-store:local:s3://kaml-datasets/finance-transactions/';
    await expect(process(forged)).rejects.toThrow(FINANCE_HOLDER);
  });

  it('accepts discovered, seeded and mapped datasets', async () => {
    await expect(process(discovered)).resolves.toBe(discovered);
    await expect(process(seeded)).resolves.toBe(seeded);
    await expect(process(ledger)).resolves.toBe(ledger);
    const table = dataset(
      'hive-sales-orders',
      { location: 'trino://hive/sales/orders', owner: 'sales' },
      'kaml-d-trino:rig:trino://hive/sales/orders',
    );
    await expect(process(table)).resolves.toBe(table);
  });

  it('lets an admin-bound dataset take a folder from discovery, and rejects the discovered one', async () => {
    const seedClaim = dataset(
      'transactions',
      {
        location: 's3://kaml-datasets/finance-transactions/',
        owner: 'finance',
      },
      SEED,
    );
    const both = new KamlDEntitiesProcessor({
      bindingPolicy: policy,
      bindingHolders: async () =>
        bindingHolders([discovered, seedClaim], policy),
    });
    await expect(
      both.postProcessEntity(seedClaim, location, () => {}),
    ).resolves.toBe(seedClaim);
    await expect(
      both.postProcessEntity(discovered, location, () => {}),
    ).rejects.toThrow(
      's3://kaml-datasets/finance-transactions/ is bound to dataset:default/transactions (owner group:default/finance, by a trusted catalog origin), which takes precedence',
    );
  });

  it('binds no Dataset when built without a policy', async () => {
    await expect(
      new KamlDEntitiesProcessor().postProcessEntity(
        seeded,
        location,
        () => {},
      ),
    ).rejects.toThrow('a source that may not bind storage');
  });
});
