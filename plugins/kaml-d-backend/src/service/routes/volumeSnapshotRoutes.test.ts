import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { mockErrorHandler } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import express from 'express';
import request from 'supertest';
import { SnapshotsService } from '../../services/Snapshots';
import { snapshotRoutes } from './snapshots';

// The HTTP side of volume snapshots: a pending take answers 202, a delete 204, a pinned
// snapshot's refusal reaches the caller as 409 with its words. The service is the rig tests'.

const ID = 'snap-20261207t100000z-abcdef';

function app(snapshots: Partial<SnapshotsService>) {
  const a = express();
  a.use(express.json());
  a.use(
    snapshotRoutes({
      httpAuth: mockServices.httpAuth(),
      snapshots: snapshots as SnapshotsService,
    }),
  );
  a.use(mockErrorHandler());
  return a;
}

const alice = mockCredentials.user.header('user:default/alice');

describe('volume snapshot routes', () => {
  it('answers a pending take with 202 and a complete one with 201', async () => {
    let state: 'pending' | undefined = 'pending';
    const create = jest.fn(async () => ({ id: ID, state } as never));
    const a = app({ create });
    const pending = await request(a)
      .post('/datasets/default/frames/snapshots')
      .set('authorization', alice)
      .send({ message: 'before training' });
    expect(pending.status).toBe(202);
    expect(pending.body).toEqual({ id: ID, state: 'pending' });
    state = undefined;
    await request(a)
      .post('/datasets/default/frames/snapshots')
      .set('authorization', alice)
      .send({ message: 'again' })
      .expect(201);
  });

  it('deletes with 204, passes the pinned refusal on as 409, refuses a malformed id (the route sweep checks 401/403)', async () => {
    const del = jest.fn(async (_ref, id: string) => {
      if (id !== ID) {
        throw new ConflictError(
          `Snapshot ${id} of dataset:default/frames is pinned to model version model:default/churn v3`,
        );
      }
    });
    const a = app({ delete: del });
    await request(a)
      .delete(`/datasets/default/frames/snapshots/${ID}`)
      .set('authorization', alice)
      .expect(204);
    expect(del).toHaveBeenCalledWith(
      { kind: 'dataset', namespace: 'default', name: 'frames' },
      ID,
      expect.anything(),
    );
    const pinned = await request(a)
      .delete('/datasets/default/frames/snapshots/snap-20261207t100000z-000000')
      .set('authorization', alice);
    expect(pinned.status).toBe(409);
    expect(pinned.body.error.message).toMatch(
      /pinned to model version model:default\/churn v3/,
    );
    const bad = await request(a)
      .delete('/datasets/default/frames/snapshots/latest')
      .set('authorization', alice);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/snapshot id/);
    expect(del).toHaveBeenCalledTimes(2);
  });
});
