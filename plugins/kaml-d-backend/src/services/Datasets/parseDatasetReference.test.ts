import { parseDatasetReference } from './createDatasetsService';

describe('parseDatasetReference', () => {
  it('reads a name, a namespaced name and a snapshot suffix', () => {
    expect(parseDatasetReference('transactions')).toEqual({
      ref: { kind: 'dataset', namespace: 'default', name: 'transactions' },
    });
    expect(
      parseDatasetReference('finance/tx@snap-20261126t070102z-3f9a1c'),
    ).toEqual({
      ref: { kind: 'dataset', namespace: 'finance', name: 'tx' },
      snapshot: 'snap-20261126t070102z-3f9a1c',
    });
  });

  it('refuses a snapshot suffix that is not a snapshot id, naming the form to use', () => {
    for (const bad of [
      'tx@',
      'tx@latest',
      'tx@snap-20261126t070102z-3f9a1c/../x',
      'tx@snap-20261126t070102z-3F9A1C',
      '@snap-20261126t070102z-3f9a1c',
    ]) {
      expect(() => parseDatasetReference(bad)).toThrow(
        /name@<snapshot id>|not a dataset name/,
      );
    }
  });
});
