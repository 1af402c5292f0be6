import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import express from 'express';
import request from 'supertest';
import { QueryGate } from '../../services/QueryEngine/gate';
import { queryRoutes } from './query';

describe('POST /query under load', () => {
  it('answers 429 with Retry-After when every slot and the queue are taken, and runs the others', async () => {
    const gate = new QueryGate({
      maxConcurrent: 1,
      queueSize: 0,
      queueTimeoutMs: 20_000,
    });
    let release = () => {};
    let started = () => {};
    const running = new Promise<void>(resolve => {
      started = resolve;
    });
    const slowEngine = () =>
      new Promise<void>(resolve => {
        release = resolve;
        started();
      });
    const app = express();
    app.use(express.json());
    app.use(
      queryRoutes({
        httpAuth: mockServices.httpAuth(),
        datasets: {
          query: async sql =>
            gate.run(async () => {
              await slowEngine();
              return {
                engine: 'fake',
                limit: 1,
                datasets: [],
                columns: [{ name: 'sql', type: 'VARCHAR' }],
                rows: [[sql]],
                truncated: false,
                elapsedMs: 1,
              };
            }),
        },
      }),
    );
    app.use(mockErrorHandler());
    const auth = mockCredentials.user.header('user:default/alice');

    const first = request(app)
      .post('/query')
      .set('Authorization', auth)
      .send({ sql: 'SELECT 1' })
      .then(res => res);
    await running;
    const second = await request(app)
      .post('/query')
      .set('Authorization', auth)
      .send({ sql: 'SELECT 2' });
    expect(second.status).toBe(429);
    expect(Number(second.headers['retry-after'])).toBeGreaterThan(0);
    expect(second.body.error.message).toMatch(/kamlD.query.maxConcurrent/);

    release();
    const done = await first;
    expect(done.status).toBe(200);
    expect(done.body.rows).toEqual([['SELECT 1']]);
  });
});
