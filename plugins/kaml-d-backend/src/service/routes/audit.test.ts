import {
  TestDatabases,
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import request from 'supertest';
import { applyDatabaseMigrations } from '../../database/migrations';
import { createAuditLogService } from '../../services/Audit';
import { auditRoutes } from './audit';

jest.setTimeout(60_000);

describe('audit routes', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  async function setup(allowed: boolean) {
    const db = await databases.init('SQLITE_3');
    await applyDatabaseMigrations(db);
    let clock = Date.parse('2026-11-20T10:00:00Z');
    const audit = createAuditLogService({
      db,
      now: () => new Date((clock += 60_000)),
    });
    const permissions = mockServices.permissions.mock();
    permissions.authorize.mockImplementation(async reqs =>
      reqs.map(() => ({
        result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      })),
    );
    const app = express();
    app.use(express.json());
    app.use(
      auditRoutes({ httpAuth: mockServices.httpAuth(), permissions, audit }),
    );
    app.use(mockErrorHandler());
    return { app, audit };
  }

  it('appends events from services only and lists them newest first with filters and pages', async () => {
    const { app } = await setup(true);
    const service = mockCredentials.service.header();
    for (const [actor, action] of [
      ['user:default/alice', 'model.train'],
      ['user:default/bob', 'dataset.upload'],
      ['user:default/alice', 'model.deploy'],
    ]) {
      await request(app)
        .post('/audit/events')
        .set('Authorization', service)
        .send({
          actor,
          action,
          entityRef: 'model:default/fraud-detector',
          outcome: 'success',
          details: { job: 'train-1' },
        })
        .expect(201);
    }
    // a user cannot forge entries: only service tokens may append
    await request(app)
      .post('/audit/events')
      .set('Authorization', mockCredentials.user.header('user:default/mallory'))
      .send({ actor: 'user:default/alice', action: 'model.train', outcome: 'success' })
      .expect(403);

    const alice = mockCredentials.user.header('user:default/erin');
    const all = await request(app).get('/audit').set('Authorization', alice);
    expect(all.status).toBe(200);
    expect(all.body.items.map((e: any) => e.action)).toEqual([
      'model.deploy',
      'dataset.upload',
      'model.train',
    ]);
    expect(all.body.items[0]).toMatchObject({
      actor: 'user:default/alice',
      entityRef: 'model:default/fraud-detector',
      outcome: 'success',
      details: { job: 'train-1' },
    });

    const byActor = await request(app)
      .get('/audit')
      .query({ actor: 'user:default/alice', limit: '1' })
      .set('Authorization', alice);
    expect(byActor.body.items).toHaveLength(1);
    expect(byActor.body.items[0].action).toBe('model.deploy');
    const page2 = await request(app)
      .get('/audit')
      .query({ actor: 'user:default/alice', limit: '1', before: String(byActor.body.nextBefore) })
      .set('Authorization', alice);
    expect(page2.body.items.map((e: any) => e.action)).toEqual(['model.train']);
    expect(page2.body.nextBefore).toBeUndefined();

    const since = await request(app)
      .get('/audit')
      .query({ since: '2026-11-20T10:02:30Z' })
      .set('Authorization', alice);
    expect(since.body.items.map((e: any) => e.action)).toEqual(['model.deploy']);
  });

  it('exports JSON lines oldest first', async () => {
    const { app, audit } = await setup(true);
    await audit.append({ actor: 'user:default/bob', action: 'dataset.upload', outcome: 'success', entityRef: 'dataset:default/a' });
    await audit.append({ actor: 'user:default/bob', action: 'dataset.snapshot.create', outcome: 'failure', entityRef: 'dataset:default/a', details: { reason: 'store down' } });
    const res = await request(app)
      .get('/audit/export')
      .query({ entityRef: 'dataset:default/a' })
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('application/x-ndjson');
    const lines = res.text.trim().split('\n').map(l => JSON.parse(l));
    expect(lines.map(l => [l.action, l.outcome])).toEqual([
      ['dataset.upload', 'success'],
      ['dataset.snapshot.create', 'failure'],
    ]);
    expect(lines[1].details).toEqual({ reason: 'store down' });
  });

  it('answers 401 without a token, 403 naming the permission when denied, 400 on bad filters', async () => {
    const denied = await setup(false);
    await request(denied.app)
      .get('/audit')
      .set('Authorization', mockCredentials.none.header())
      .expect(401);
    const forbidden = await request(denied.app)
      .get('/audit')
      .set('Authorization', mockCredentials.user.header());
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.message).toContain('kaml-d.audit.read');
    const allowed = await setup(true);
    const bad = await request(allowed.app)
      .get('/audit')
      .query({ action: 'drop table', since: 'yesterday' })
      .set('Authorization', mockCredentials.user.header());
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/action/);
    expect(bad.body.error.message).toMatch(/since: must be an ISO 8601 time/);
  });
});
