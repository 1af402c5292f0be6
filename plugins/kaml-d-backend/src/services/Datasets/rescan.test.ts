import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import {
  startKamlDTestBackend,
  testDataset,
} from '../../__testUtils__/bindings';

describe('POST /datasets/rescan', () => {
  let root: string;
  const alice = mockCredentials.user.header('user:default/alice');

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'rescan-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it("asks discovery to read one dataset's folder again, or every folder, and audits who asked", async () => {
    const events = mockServices.events.mock();
    const { server } = await startKamlDTestBackend({
      root,
      entities: [testDataset('weather', 'csv')],
      features: [events.factory],
    });
    const one = await request(server)
      .post('/api/kaml-d/datasets/rescan')
      .set('Authorization', alice)
      .send({ entityRef: 'dataset:default/weather' });
    expect(one.status).toBe(202);
    expect(one.body).toMatchObject({
      scope: 'dataset',
      entityRef: 'dataset:default/weather',
      location: 's3://kaml-datasets/weather/',
    });
    expect(events.publish).toHaveBeenCalledWith({
      topic: 'kaml-d.datasets',
      eventPayload: {
        action: 'rescan',
        location: 's3://kaml-datasets/weather/',
        requestedBy: 'user:default/alice',
      },
    });

    const all = await request(server)
      .post('/api/kaml-d/datasets/rescan')
      .set('Authorization', alice)
      .send({});
    expect(all.status).toBe(202);
    expect(all.body.scope).toBe('all');
    expect(events.publish).toHaveBeenLastCalledWith({
      topic: 'kaml-d.datasets',
      eventPayload: { action: 'rescan', requestedBy: 'user:default/alice' },
    });

    const audit = await request(server)
      .get('/api/kaml-d/audit?action=dataset.rescan')
      .set('Authorization', alice);
    expect(audit.status).toBe(200);
    expect(
      audit.body.items.map((i: { entityRef?: string; actor: string }) => [
        i.actor,
        i.entityRef ?? null,
      ]),
    ).toEqual([
      ['user:default/alice', null],
      ['user:default/alice', 'dataset:default/weather'],
    ]);
  });

  it('is refused without kaml-d.dataset.rescan or sign-in, and answers 404 for a dataset the caller cannot see', async () => {
    const events = mockServices.events.mock();
    const denied = await startKamlDTestBackend({
      root,
      entities: [testDataset('weather', 'csv')],
      features: [
        events.factory,
        mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
      ],
    });
    const refused = await request(denied.server)
      .post('/api/kaml-d/datasets/rescan')
      .set('Authorization', alice)
      .send({});
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('kaml-d.dataset.rescan');
    const anonymous = await request(denied.server)
      .post('/api/kaml-d/datasets/rescan')
      .send({});
    expect(anonymous.status).toBe(401);
    expect(events.publish).not.toHaveBeenCalled();

    const allowed = await startKamlDTestBackend({ root, entities: [] });
    const missing = await request(allowed.server)
      .post('/api/kaml-d/datasets/rescan')
      .set('Authorization', alice)
      .send({ entityRef: 'dataset:default/secret' });
    expect(missing.status).toBe(404);
  });
});
