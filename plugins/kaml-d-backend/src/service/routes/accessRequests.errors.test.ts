import { ACCESS_REQUESTS_TABLE } from '../../services/AccessRequests';
import {
  as,
  useAccessRequestsBackend,
} from '../../__testUtils__/accessRequests';

jest.setTimeout(120_000);

describe('access requests: errors and failing notifications', () => {
  const { start, state } = useAccessRequestsBackend();

  it('answers 409, 404 and 400 with what to change', async () => {
    const agent = await start();
    const body = {
      entityRef: 'dataset:default/customers',
      permissions: ['kaml-d.dataset.query'],
      justification: 'Quarterly churn report needs joins on email',
    };
    const first = await agent
      .post('/api/kaml-d/access-requests')
      .set('Authorization', as('erin'))
      .send(body);
    expect(first.status).toBe(201);
    const duplicate = await agent
      .post('/api/kaml-d/access-requests')
      .set('Authorization', as('erin'))
      .send({ ...body, permissions: ['kaml-d.dataset.preview'] });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.message).toContain(
      `You already have a pending access request (${first.body.id}) on dataset:default/customers`,
    );

    const unknown = await agent
      .post('/api/kaml-d/access-requests')
      .set('Authorization', as('erin'))
      .send({ ...body, entityRef: 'dataset:default/nope' });
    expect(unknown.status).toBe(404);

    const owner = await agent
      .post('/api/kaml-d/access-requests')
      .set('Authorization', as('alice'))
      .send(body);
    expect(owner.status).toBe(400);
    expect(owner.body.error.message).toBe(
      'You already have kaml-d.dataset.query on dataset:default/customers; there is nothing to request.',
    );

    for (const [bad, message] of [
      [{ justification: 'because' }, /justification: explain why/],
      [{ durationDays: 91 }, /durationDays: must be 1 to 90 days/],
      [{ durationDays: 0 }, /durationDays: must be 1 to 90 days/],
      [{ permissions: [] }, /permissions: name at least one/],
      [{ permissions: ['kaml-d.model.deploy'] }, /permissions\.0/],
    ] as const) {
      const res = await agent
        .post('/api/kaml-d/access-requests')
        .set('Authorization', as('bob'))
        .send({ ...body, ...bad });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
    }
    expect(await state.knex(ACCESS_REQUESTS_TABLE).count({ n: '*' })).toEqual([
      { n: 1 },
    ]);

    // the requester cannot approve their own request, an admin can deny it
    const self = await agent
      .post(`/api/kaml-d/access-requests/${first.body.id}/decision`)
      .set('Authorization', as('erin'))
      .send({ decision: 'approve' });
    expect(self.status).toBe(403);
    const denied = await agent
      .post(`/api/kaml-d/access-requests/${first.body.id}/decision`)
      .set('Authorization', as('dave'))
      .send({ decision: 'deny', comment: 'use the anonymised copy' });
    expect(denied.status).toBe(200);
    expect(denied.body).toMatchObject({
      status: 'denied',
      decidedBy: 'user:default/dave',
    });
    expect(denied.body.expiresAt).toBeUndefined();
    // denied: a new request may be made
    const retry = await agent
      .post('/api/kaml-d/access-requests')
      .set('Authorization', as('erin'))
      .send(body);
    expect(retry.status).toBe(201);
  });

  it('keeps the request when notifying the owners fails, and audits the failure', async () => {
    const agent = await start();
    state.failNotifications = true;
    const created = await agent
      .post('/api/kaml-d/access-requests')
      .set('Authorization', as('bob'))
      .send({
        entityRef: 'dataset:default/customers',
        permissions: ['kaml-d.dataset.preview', 'kaml-d.dataset.query'],
        justification: 'Need to validate the de-duplication job',
      });
    expect(created.status).toBe(201);
    const toDecide = await agent
      .get('/api/kaml-d/access-requests?scope=to-decide')
      .set('Authorization', as('alice'));
    expect(toDecide.body.items).toHaveLength(1);
    const audit = await state
      .knex('kaml_d_audit_log')
      .orderBy('id')
      .select('action', 'outcome', 'details');
    expect(audit.map(a => [a.action, a.outcome])).toEqual([
      ['access.request', 'success'],
      ['access.request', 'failure'],
    ]);
    expect(JSON.parse(audit[1].details)).toMatchObject({
      failedStep: 'notification',
      error: 'notifications are down',
    });
  });
});
