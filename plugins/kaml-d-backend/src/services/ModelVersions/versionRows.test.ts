import {
  checkAlias,
  compareVersions,
  toModelVersion,
  trainedOnDatasetRef,
  VersionRow,
} from './versionRows';

function row(version: number, metrics: Record<string, number> | string) {
  return {
    entity_ref: 'model:default/churn',
    version,
    description: null,
    artifact_uri: `s3://models/churn/${version}`,
    artifact_digest: null,
    metrics: typeof metrics === 'string' ? metrics : JSON.stringify(metrics),
    parameters: '{"depth":6}',
    run: null,
    created_at: '2026-02-01T08:00:00Z',
    created_by: 'user:default/jane',
  } as VersionRow;
}

describe('toModelVersion', () => {
  it('leaves out what was not recorded and reads unreadable JSON as empty', () => {
    const version = toModelVersion(
      row(3, 'not json'),
      [{ datasetRef: 'dataset:default/customers', snapshotId: 's1' }],
      ['champion'],
    );
    expect(version).toEqual({
      entityRef: 'model:default/churn',
      version: 3,
      artifactUri: 's3://models/churn/3',
      metrics: {},
      parameters: { depth: 6 },
      trainedOn: [
        { datasetRef: 'dataset:default/customers', snapshotId: 's1' },
      ],
      createdAt: '2026-02-01T08:00:00.000Z',
      createdBy: 'user:default/jane',
      aliases: ['champion'],
    });
  });

  it('keeps the description, digest and run when they were recorded', () => {
    const version = toModelVersion(
      {
        ...row(1, {}),
        description: 'baseline',
        artifact_digest: 'sha256:abc',
        run: JSON.stringify({ kind: 'Job', namespace: 'train', name: 'r1' }),
      },
      [],
      [],
    );
    expect(version).toMatchObject({
      description: 'baseline',
      artifactDigest: 'sha256:abc',
      run: { kind: 'Job', namespace: 'train', name: 'r1' },
    });
  });
});

describe('compareVersions', () => {
  it('lines up every metric of the versions in the order asked for, null where missing', () => {
    const comparison = compareVersions(
      'model:default/churn',
      [2, 1],
      [row(1, { auc: 0.81, f1: 0.7 }), row(2, { auc: 0.84, recall: 0.6 })],
    );
    expect(comparison).toEqual({
      entityRef: 'model:default/churn',
      versions: [2, 1],
      metrics: ['auc', 'f1', 'recall'],
      rows: [
        { version: 2, values: [0.84, null, 0.6] },
        { version: 1, values: [0.81, 0.7, null] },
      ],
    });
  });

  it('names the versions the model does not have', () => {
    expect(() =>
      compareVersions('model:default/churn', [1, 4, 5], [row(1, {})]),
    ).toThrow('model:default/churn has no version 4, 5.');
  });
});

describe('version checks', () => {
  it('completes a dataset ref and refuses one of another kind', () => {
    expect(
      trainedOnDatasetRef({ datasetRef: 'customers', snapshotId: 's' }, 0),
    ).toBe('dataset:default/customers');
    expect(() =>
      trainedOnDatasetRef(
        { datasetRef: 'component:default/api', snapshotId: 's' },
        2,
      ),
    ).toThrow(
      'trainedOn[2]: "component:default/api" is not a dataset entity ref',
    );
  });

  it('takes DNS-label-like aliases only', () => {
    expect(() => checkAlias('staging-2')).not.toThrow();
    for (const bad of ['Champion', '-x', 'x-', 'a'.repeat(64), 'a_b']) {
      expect(() => checkAlias(bad)).toThrow(`Alias "${bad}" is not valid`);
    }
  });
});
