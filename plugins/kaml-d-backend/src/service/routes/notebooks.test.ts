import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import express from 'express';
import request from 'supertest';
import { NotebooksService } from '../../services/Notebooks';
import { notebookRoutes } from './notebooks';

describe('notebook routes', () => {
  function setup() {
    const notebooks = {
      openDataset: jest.fn(async () => ({
        user: 'alice',
        path: 'kaml-d/sales.ipynb',
        url: 'http://hub/user/alice/lab/tree/kaml-d/sales.ipynb',
        entityRef: 'dataset:default/sales',
        files: 1,
        expiresAt: '2026-12-07T10:00:00.000Z',
      })),
      openModelVersion: jest.fn(),
      listServers: jest.fn(async () => ({
        user: 'alice',
        hubUrl: 'http://hub',
        servers: [],
      })),
      stopServer: jest.fn(async () => ({
        user: 'alice',
        hubUrl: 'http://hub',
        servers: [],
      })),
      check: jest.fn(),
    };
    const service = notebooks as unknown as NotebooksService;
    const app = express();
    app.use(express.json());
    app.use(
      notebookRoutes({
        httpAuth: mockServices.httpAuth({
          defaultCredentials: mockCredentials.none(),
        }),
        notebooks: service,
      }),
    );
    app.use(mockErrorHandler());
    return { app, notebooks };
  }
  const alice = mockCredentials.user.header('user:default/alice');

  it("opens a dataset's notebook for the signed-in user, with or without a snapshot", async () => {
    const { app, notebooks } = setup();
    const answer = await request(app)
      .post('/datasets/default/sales/notebook')
      .set('Authorization', alice)
      .send({ snapshot: 'snap-20261126t070102z-3f9a1c' })
      .expect(200);
    expect(answer.body.url).toBe(
      'http://hub/user/alice/lab/tree/kaml-d/sales.ipynb',
    );
    expect(notebooks.openDataset).toHaveBeenCalledWith(
      { kind: 'dataset', namespace: 'default', name: 'sales' },
      expect.objectContaining({
        principal: expect.objectContaining({
          userEntityRef: 'user:default/alice',
        }),
      }),
      'snap-20261126t070102z-3f9a1c',
    );
  });

  it('refuses bad input with what to change, and callers that are not users', async () => {
    const { app, notebooks } = setup();
    const bad = await request(app)
      .post('/datasets/default/sales/notebook')
      .set('Authorization', alice)
      .send({ snapshot: '../../etc' })
      .expect(400);
    expect(bad.body.error.message).toContain(
      'snapshot: must be a snapshot id such as snap-20261126t070102z-3f9a1c',
    );
    const version = await request(app)
      .post('/models/default/churn/versions/0/notebook')
      .set('Authorization', alice)
      .send({})
      .expect(400);
    expect(version.body.error.message).toContain('must be at least 1');
    await request(app)
      .post('/models/default/churn/versions/2/notebook')
      .set('Authorization', alice)
      .send({ dataset: 'user:default/bob' })
      .expect(400);
    // a service has no hub server of its own; nobody without a token gets anything
    await request(app)
      .get('/notebooks/servers')
      .set('Authorization', mockCredentials.service.header())
      .expect(403);
    await request(app).get('/notebooks/servers').expect(401);
    expect(notebooks.openDataset).not.toHaveBeenCalled();
    expect(notebooks.openModelVersion).not.toHaveBeenCalled();
    expect(notebooks.listServers).not.toHaveBeenCalled();
  });

  it("lists the caller's servers", async () => {
    const { app } = setup();
    const answer = await request(app)
      .get('/notebooks/servers')
      .set('Authorization', alice)
      .expect(200);
    expect(answer.body).toEqual({
      user: 'alice',
      hubUrl: 'http://hub',
      servers: [],
    });
  });

  it("stops the caller's default or named server, never another user's", async () => {
    const { app, notebooks } = setup();
    await request(app)
      .delete('/notebooks/server')
      .set('Authorization', alice)
      .expect(200);
    await request(app)
      .delete('/notebooks/servers/gpu')
      .set('Authorization', alice)
      .expect(200);
    const who = expect.objectContaining({
      principal: expect.objectContaining({
        userEntityRef: 'user:default/alice',
      }),
    });
    expect(notebooks.stopServer.mock.calls).toEqual([
      [who, ''],
      [who, 'gpu'],
    ]);
    const bad = await request(app)
      .delete('/notebooks/servers/..%2Fbob')
      .set('Authorization', alice)
      .expect(400);
    expect(bad.body.error.message).toContain(
      'must be a server name such as gpu',
    );
    await request(app)
      .delete('/notebooks/server')
      .set('Authorization', mockCredentials.service.header())
      .expect(403);
    await request(app).delete('/notebooks/servers/gpu').expect(401);
    expect(notebooks.stopServer).toHaveBeenCalledTimes(2);
  });
});
