import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import express from 'express';
import request from 'supertest';
import { RunsService } from '../../services/Runs';
import { runsRoutes } from './runs';

function setup() {
  const calls: unknown[][] = [];
  const runs: RunsService = {
    runs: async (...args) => {
      calls.push(['runs', ...args.slice(0, 1)]);
      return { model: 'churn', runs: [], deployments: [] };
    },
    logs: async (ref, options) => {
      calls.push(['logs', ref, options]);
      return { pod: options.pod, container: 'train', text: 'ok' };
    },
  };
  const app = express();
  app.use(runsRoutes({ httpAuth: mockServices.httpAuth(), runs }));
  app.use(mockErrorHandler());
  return { app, calls };
}

describe('runs routes', () => {
  it('needs a signed-in caller', async () => {
    const { app, calls } = setup();
    const res = await request(app)
      .get('/runs/default/churn')
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
    expect(calls).toEqual([]);
  });

  it('passes the model and the log options through', async () => {
    const { app, calls } = setup();
    const user = mockCredentials.user.header();
    expect(
      (await request(app).get('/runs/default/churn').set('Authorization', user))
        .body,
    ).toEqual({ model: 'churn', runs: [], deployments: [] });
    const log = await request(app)
      .get('/runs/default/churn/pods/churn-1-abc/logs?previous=true&tailLines=20')
      .set('Authorization', user);
    expect(log.body.text).toBe('ok');
    expect(calls[1]).toEqual([
      'logs',
      { kind: 'model', namespace: 'default', name: 'churn' },
      {
        pod: 'churn-1-abc',
        container: undefined,
        previous: true,
        tailLines: 20,
        sinceSeconds: undefined,
      },
    ]);
  });

  it('answers 400 naming the field for a bad pod name or tail size', async () => {
    const { app, calls } = setup();
    const user = mockCredentials.user.header();
    const bad = await request(app)
      .get('/runs/default/churn/pods/Bad,Name/logs')
      .set('Authorization', user);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/must be a Kubernetes object name/);
    const tail = await request(app)
      .get('/runs/default/churn/pods/p/logs?tailLines=999999')
      .set('Authorization', user);
    expect(tail.status).toBe(400);
    expect(tail.body.error.message).toMatch(/tailLines/);
    expect(calls).toEqual([]);
  });
});
