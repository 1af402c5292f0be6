import { rigEnv } from './rigEnv';
import { GROUP, NS, until, useVolumeRig } from './__testUtils__/volumeRig';

// Snapshots of a pvc:// dataset through the snapshots service, against the rig's kube-apiserver
// with the upstream VolumeSnapshot CRDs and snapshot-controller (service `snapshots`; its CSI
// driver part is the rig's stand-in), the portal's least-privilege ServiceAccount and the rig
// PostgreSQL.

jest.setTimeout(240_000);

describe('pvc:// dataset snapshots on the rig cluster', () => {
  const {
    core,
    custom,
    alice,
    ref,
    claimName,
    restoredName,
    dataset,
    suffix,
    services,
    completed,
  } = useVolumeRig();

  it('takes a snapshot the real controller binds and the stand-in readies, lists, pins, restores into a new bound claim, audits', async () => {
    await until('the dataset claim Bound', async () => {
      const c = await core.readNamespacedPersistentVolumeClaim({
        namespace: NS,
        name: claimName,
      });
      return c.status?.phase === 'Bound' ? c : undefined;
    });
    const { snapshots, versions, audit } = services();

    const taken = await snapshots.create(
      ref,
      { message: 'before training' },
      alice,
    );
    // answered at once; the Versions tab polls the list until it is complete
    expect(taken).toMatchObject({
      state: 'pending',
      method: 'volume-snapshot',
      volume: { readyToUse: false },
    });
    const snap = await completed(snapshots, taken.id);
    expect(snap).toMatchObject({
      state: 'complete',
      method: 'volume-snapshot',
      volume: {
        readyToUse: true,
        claim: claimName,
        namespace: NS,
        restoreSize: '1Gi',
      },
    });
    // the VolumeSnapshot the portal made, bound to a content the snapshot-controller made
    const vs = (await custom.getNamespacedCustomObject({
      group: GROUP,
      version: 'v1',
      namespace: NS,
      plural: 'volumesnapshots',
      name: snap.id,
    })) as {
      metadata: { labels: Record<string, string> };
      spec: Record<string, unknown>;
      status: { boundVolumeSnapshotContentName: string };
    };
    expect(vs.metadata.labels).toMatchObject({
      'kaml-d.io/dataset': dataset,
      'kaml-d.io/snapshot-id': snap.id,
    });
    expect(vs.spec).toMatchObject({
      source: { persistentVolumeClaimName: claimName },
      volumeSnapshotClassName: rigEnv('KAML_RIG_SNAPSHOT_CLASS'),
    });
    const content = (await custom.getClusterCustomObject({
      group: GROUP,
      version: 'v1',
      plural: 'volumesnapshotcontents',
      name: vs.status.boundVolumeSnapshotContentName,
    })) as {
      spec: {
        volumeSnapshotRef: { name: string; namespace: string };
        driver: string;
      };
      status: { readyToUse: boolean };
    };
    expect(content.spec.volumeSnapshotRef).toMatchObject({
      name: snap.id,
      namespace: NS,
    });
    expect(content.spec.driver).toBe(rigEnv('KAML_RIG_CSI_DRIVER'));
    expect(snap.volume?.content).toBe(vs.status.boundVolumeSnapshotContentName);

    const listed = await snapshots.list(ref, alice);
    expect(listed.map(s => [s.id, s.volume?.readyToUse])).toEqual([
      [snap.id, true],
    ]);

    // pinned to a model version by its id, like an object snapshot
    const model = {
      kind: 'model',
      namespace: 'default',
      name: `model-${suffix}`,
    };
    const version = await versions.register(
      model,
      {
        artifactUri: 's3://models/m/1/model.onnx',
        metrics: {},
        trainedOn: [
          { datasetRef: `dataset:default/${dataset}`, snapshotId: snap.id },
        ],
      },
      alice,
    );
    expect(version.version).toBe(1);

    const restored = await snapshots.restore(
      ref,
      snap.id,
      { claimName: restoredName },
      alice,
    );
    expect(restored.restoredClaim).toEqual({
      cluster: 'rig',
      namespace: NS,
      name: restoredName,
      location: `pvc://rig/${NS}/${restoredName}`,
      phase: 'Bound',
    });
    const claim = await core.readNamespacedPersistentVolumeClaim({
      namespace: NS,
      name: restoredName,
    });
    expect(claim.spec?.dataSource).toEqual({
      apiGroup: GROUP,
      kind: 'VolumeSnapshot',
      name: snap.id,
    });
    expect(claim.status?.phase).toBe('Bound');
    // the dataset's own claim is untouched, and a second restore under the same name is refused
    await expect(
      snapshots.restore(ref, snap.id, { claimName: restoredName }, alice),
    ).rejects.toThrow(/already exists/);

    const events = (
      await audit.list({ entityRef: `dataset:default/${dataset}` })
    ).items;
    expect(events.map(e => [e.action, e.outcome]).sort()).toEqual([
      ['dataset.snapshot.create', 'success'],
      ['dataset.snapshot.restore', 'success'],
    ]);
  });

  /** Until the VolumeSnapshot is gone (the snapshot-controller removes its finalizers first). */
  it('refuses a dataset whose claim does not carry its label, and creates no VolumeSnapshot', async () => {
    const { snapshots } = services();
    await expect(
      snapshots.create(
        { ...ref, name: `${dataset}-x` },
        { message: 'x' },
        alice,
      ),
    ).rejects.toThrow(
      /is not bound to dataset:default\/vol-rig-.*-x: its label kaml-d.io\/dataset is missing/,
    );
    const list = (await custom.listNamespacedCustomObject({
      group: GROUP,
      version: 'v1',
      namespace: NS,
      plural: 'volumesnapshots',
      labelSelector: `kaml-d.io/dataset=${dataset}-x`,
    })) as { items: unknown[] };
    expect(list.items).toEqual([]);
  });
});
