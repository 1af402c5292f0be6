import {
  DatasetEntityV1alpha1,
  datasetEntityV1alpha1Schema,
  datasetEntityV1alpha1Validator as validator,
  isDatasetEntity,
} from './DatasetEntityV1alpha1';
import { withField } from './mutate.testHelper';

describe('datasetEntityV1alpha1Validator', () => {
  const entity: DatasetEntityV1alpha1 = {
    apiVersion: 'kaml-d.io/v1alpha1',
    kind: 'Dataset',
    metadata: { name: 'finance-transactions', tags: ['finance', 'pii'] },
    spec: {
      owner: 'data-engineering',
      lifecycle: 'production',
      system: 'fraud-detection',
      format: 'csv',
      location: 's3://kaml-datasets/finance-transactions/',
      schema: {
        columns: [
          { name: 'transaction_id', type: 'varchar' },
          {
            name: 'email',
            type: 'varchar',
            description: 'Card holder e-mail',
            classification: 'pii',
          },
        ],
      },
      size: { bytes: 1024, rows: 10, files: 1 },
    },
  };

  it('accepts a valid dataset', async () => {
    await expect(validator.check(entity)).resolves.toBe(true);
    expect(isDatasetEntity(entity)).toBe(true);
  });

  it.each([
    ['a minimal dataset', 'spec.schema', undefined],
    ['no size', 'spec.size', undefined],
    ['no system', 'spec.system', undefined],
    [
      'a file location',
      'spec.location',
      'file:///srv/data/finance-transactions/',
    ],
    [
      'a Trino location',
      'spec.location',
      'trino://hive/kaml/finance_transactions',
    ],
    ['an image set', 'spec.format', 'images'],
    [
      'a column without classification',
      'spec.schema.columns.1.classification',
      undefined,
    ],
  ])('accepts %s', async (_name, path, value) => {
    await expect(validator.check(withField(entity, path, value))).resolves.toBe(
      true,
    );
  });

  it.each([
    ['a foreign apiVersion', 'apiVersion', 'backstage.io/v1alpha1'],
    ['a foreign kind', 'kind', 'Component'],
    ['the Model kind', 'kind', 'Model'],
  ])('says "not mine" (false) for %s', async (_name, path, value) => {
    const foreign = withField(entity, path, value);
    await expect(validator.check(foreign)).resolves.toBe(false);
    expect(isDatasetEntity(foreign)).toBe(false);
  });

  it.each([
    ['missing spec', 'spec', undefined, /spec/],
    ['missing owner', 'spec.owner', undefined, /owner/],
    ['empty owner', 'spec.owner', '', /\/spec\/owner/],
    ['wrong owner', 'spec.owner', 7, /\/spec\/owner/],
    ['missing lifecycle', 'spec.lifecycle', undefined, /lifecycle/],
    ['wrong lifecycle', 'spec.lifecycle', ['production'], /\/spec\/lifecycle/],
    ['empty system', 'spec.system', '', /\/spec\/system/],
    ['missing format', 'spec.format', undefined, /format/],
    ['unknown format', 'spec.format', 'spreadsheet', /\/spec\/format/],
    ['missing location', 'spec.location', undefined, /location/],
    [
      'location without a scheme',
      'spec.location',
      'kaml-datasets/x',
      /\/spec\/location/,
    ],
    [
      'location with a foreign scheme',
      'spec.location',
      'ftp://host/x',
      /\/spec\/location/,
    ],
    ['schema without columns', 'spec.schema', {}, /columns/],
    [
      'columns not a list',
      'spec.schema.columns',
      'id,amount',
      /\/spec\/schema\/columns/,
    ],
    ['column without name', 'spec.schema.columns.0.name', undefined, /name/],
    ['column without type', 'spec.schema.columns.0.type', undefined, /type/],
    [
      'unknown classification',
      'spec.schema.columns.1.classification',
      'secret-sauce',
      /\/spec\/schema\/columns\/1\/classification/,
    ],
    ['negative size', 'spec.size.bytes', -1, /\/spec\/size\/bytes/],
    ['fractional rows', 'spec.size.rows', 1.5, /\/spec\/size\/rows/],
  ])(
    'rejects %s with an error naming the field',
    async (_name, path, value, message) => {
      await expect(
        validator.check(withField(entity, path, value)),
      ).rejects.toThrow(message);
    },
  );

  it('has examples that pass its own validator', async () => {
    for (const example of datasetEntityV1alpha1Schema.examples) {
      await expect(validator.check(example)).resolves.toBe(true);
    }
  });
});
