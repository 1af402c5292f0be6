import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSnapshotsService } from '../createSnapshotsService';
import { CREDENTIALS, REF, openHarness } from '../__testUtils__/harness';
import { VolumeSnapshots } from './volumeSnapshots';

// The snapshots service hands pvc:// datasets to the volume snapshots, with the permission the
// route needs, and refuses what volume snapshots cannot do.

const entity = {
  apiVersion: 'kaml-d.io/v1alpha1',
  kind: 'Dataset',
  metadata: { name: 'frames', namespace: 'default' },
  spec: {
    type: 'volume',
    owner: 'group:default/data',
    format: 'images',
    location: 'pvc://kaml-d/kaml-d-training/frames',
  },
};
const ref = { kind: 'dataset', namespace: 'default', name: 'frames' };
const alice = mockCredentials.user('user:default/alice');

function service(volumes?: VolumeSnapshots) {
  const permissions = mockServices.permissions.mock();
  permissions.authorize.mockImplementation(async reqs =>
    reqs.map(() => ({ result: AuthorizeResult.ALLOW })),
  );
  return {
    permissions,
    snapshots: createSnapshotsService({
      db: {} as never,
      catalog: catalogServiceMock({ entities: [entity] }),
      permissions,
      storage: {} as never,
      audit: {} as never,
      logger: mockServices.logger.mock(),
      engines: {} as never,
      bindings: {
        assertBound: jest.fn(async () => {
          throw new Error('object binding used');
        }),
      },
      volumes,
    }),
  };
}

describe('snapshots of pvc:// datasets', () => {
  const volumes = {
    take: jest.fn(async () => ({ id: 'snap-1' } as never)),
    list: jest.fn(async () => []),
    get: jest.fn(async () => ({ id: 'snap-1' } as never)),
    restore: jest.fn(
      async () => ({ entityRef: 'dataset:default/frames' } as never),
    ),
    delete: jest.fn(async () => undefined),
    settlePending: jest.fn(async () => 0),
    sweepOrphans: jest.fn(async () => []),
  };

  it('goes to the volume snapshots with the dataset, its location and the actor', async () => {
    const { snapshots, permissions } = service(volumes);
    await snapshots.create(ref, { message: 'm' }, alice);
    const dataset = {
      entity: expect.objectContaining({ metadata: entity.metadata }),
      entityRef: 'dataset:default/frames',
      location: {
        cluster: 'kaml-d',
        namespace: 'kaml-d-training',
        name: 'frames',
      },
    };
    expect(volumes.take).toHaveBeenCalledWith(
      dataset,
      'm',
      'user:default/alice',
    );
    await snapshots.list(ref, alice);
    expect(volumes.list).toHaveBeenCalledWith(dataset);
    await snapshots.restore(ref, 'snap-1', { claimName: 'frames-v1' }, alice);
    expect(volumes.restore).toHaveBeenCalledWith(
      dataset,
      'snap-1',
      { claimName: 'frames-v1' },
      'user:default/alice',
    );
    await snapshots.delete(ref, 'snap-1', alice);
    expect(volumes.delete).toHaveBeenCalledWith(
      dataset,
      'snap-1',
      'user:default/alice',
    );
    expect(
      permissions.authorize.mock.calls.map(c => c[0][0].permission.name),
    ).toEqual([
      'kaml-d.dataset.preview',
      'kaml-d.dataset.preview',
      'kaml-d.dataset.snapshot.restore',
      'kaml-d.dataset.snapshot.restore',
    ]);
  });

  it('refuses a file diff, and says when volume snapshots are off', async () => {
    await expect(
      service(volumes).snapshots.diff(ref, 'snap-1', 'current', alice),
    ).rejects.toThrow(
      /cannot be compared file by file; restore one as a new claim/,
    );
    await expect(service().snapshots.list(ref, alice)).rejects.toThrow(
      /lives on a PersistentVolumeClaim .* but volume snapshots are not enabled/,
    );
  });

  it('refuses claimName for an object dataset, which is restored in place, and deleting its snapshots', async () => {
    const root = await mkdtemp(join(tmpdir(), 'kaml-dispatch-'));
    const { db, snapshots } = openHarness(root, ':memory:');
    try {
      await expect(
        snapshots.restore(
          REF,
          'snap-20261126t070102z-3f9a1c',
          { claimName: 'x' },
          CREDENTIALS,
        ),
      ).rejects.toThrow(
        /claimName is only for datasets on a PersistentVolumeClaim/,
      );
      await expect(
        snapshots.delete(REF, 'snap-20261126t070102z-3f9a1c', CREDENTIALS),
      ).rejects.toThrow(/only snapshots of PersistentVolumeClaim datasets/);
    } finally {
      await db.destroy();
      await rm(root, { recursive: true, force: true });
    }
  });
});
