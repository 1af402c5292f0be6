import { readKamlDClusterAccess } from '@kaml-d/plugin-kaml-d-node';
import {
  createVolumeApi,
  createVolumeSnapshots,
  readVolumesConfig,
} from '../services/Snapshots/volumes';
import { rigEnv } from './rigEnv';
import { GROUP, NS, useVolumeRig } from './__testUtils__/volumeRig';

// Deleting volume snapshots and the orphan sweep against the rig's kube-apiserver with the
// upstream snapshot-controller (service `snapshots`), the portal's least-privilege identity and
// the rig PostgreSQL.

jest.setTimeout(240_000);

describe('deleting pvc:// dataset snapshots and sweeping orphans on the rig cluster', () => {
  const rig = useVolumeRig();
  const { custom, alice, ref, claimName, dataset, suffix } = rig;
  const { services, completed, gone, rigConfig } = rig;

  it('deletes an unpinned snapshot with its VolumeSnapshot, refuses a pinned one naming the version, and sweeps orphaned VolumeSnapshots', async () => {
    const { snapshots, versions, audit } = services();
    const take = async (message: string) =>
      completed(
        snapshots,
        (await snapshots.create(ref, { message }, alice)).id,
      );
    const pinned = await take('pinned');
    const loose = await take('loose');
    const model = `model-${suffix}`;
    const version = await versions.register(
      { kind: 'model', namespace: 'default', name: model },
      {
        artifactUri: 's3://models/m/2/model.onnx',
        metrics: {},
        trainedOn: [
          { datasetRef: `dataset:default/${dataset}`, snapshotId: pinned.id },
        ],
      },
      alice,
    );
    await expect(snapshots.delete(ref, pinned.id, alice)).rejects.toThrow(
      `is pinned to model version model:default/${model} v${version.version}`,
    );
    await snapshots.delete(ref, loose.id, alice);
    await gone(loose.id);
    const ids = (await snapshots.list(ref, alice)).map(s => s.id);
    expect(ids).toContain(pinned.id);
    expect(ids).not.toContain(loose.id);

    // a VolumeSnapshot labelled as KAML-D's that no row records
    const orphan = `vol-rig-${suffix}-orphan`;
    await custom.createNamespacedCustomObject({
      group: GROUP,
      version: 'v1',
      namespace: NS,
      plural: 'volumesnapshots',
      body: {
        apiVersion: `${GROUP}/v1`,
        kind: 'VolumeSnapshot',
        metadata: {
          name: orphan,
          labels: {
            'app.kubernetes.io/managed-by': 'kaml-d',
            'kaml-d.io/dataset': dataset,
            'kaml-d.io/snapshot-id': orphan,
            'kaml-d.io/rig-run': suffix,
          },
        },
        spec: {
          source: { persistentVolumeClaimName: claimName },
          volumeSnapshotClassName: rigEnv('KAML_RIG_SNAPSHOT_CLASS'),
        },
      },
    });
    const config = rigConfig();
    const api = createVolumeApi(readKamlDClusterAccess(config)!.kubeConfig);
    const sweeper = (orphans: 'report' | 'delete', through = api) =>
      createVolumeSnapshots({
        db: rig.db(),
        audit,
        api: through,
        // no grace: the orphan was made a moment ago
        config: { ...readVolumesConfig(config), orphans, orphanGraceMs: 0 },
      });
    const sweep = {
      datasetExists: async () => true,
      actor: 'service:plugin:kaml-d',
    };
    // report (the default): every namespace, with the portal's own identity; nothing deleted
    const reported = await sweeper('report').sweepOrphans(sweep);
    expect(reported).toContainEqual({
      namespace: NS,
      name: orphan,
      reason: 'not recorded in the KAML-D database',
      action: 'reported',
    });
    expect(reported.map(o => o.name)).not.toContain(pinned.id);
    expect(
      await custom.getNamespacedCustomObject({
        group: GROUP,
        version: 'v1',
        namespace: NS,
        plural: 'volumesnapshots',
        name: orphan,
      }),
    ).toBeTruthy();
    // delete, kept to this run's VolumeSnapshots (the rig cluster is shared)
    const scoped = {
      ...api,
      listAllSnapshots: (selector: string) =>
        api.listAllSnapshots(`${selector},kaml-d.io/rig-run=${suffix}`),
    };
    const deleted = await sweeper('delete', scoped).sweepOrphans(sweep);
    expect(deleted).toEqual([
      {
        namespace: NS,
        name: orphan,
        reason: 'not recorded in the KAML-D database',
        action: 'deleted',
      },
    ]);
    await gone(orphan);

    const events = (
      await audit.list({ action: 'dataset.snapshot.delete' })
    ).items.map(e => [e.actor, e.outcome, e.details.snapshotId]);
    expect(events).toEqual(
      expect.arrayContaining([
        ['user:default/alice', 'failure', pinned.id],
        ['user:default/alice', 'success', loose.id],
        ['service:plugin:kaml-d', 'success', orphan],
      ]),
    );
  });
});
