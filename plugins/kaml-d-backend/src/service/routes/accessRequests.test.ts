import { ACCESS_REQUESTS_TABLE } from '../../services/AccessRequests';
import {
  as,
  useAccessRequestsBackend,
} from '../../__testUtils__/accessRequests';

jest.setTimeout(120_000);

describe('access requests through the permission framework', () => {
  const { start, preview, state } = useAccessRequestsBackend();

  it('preview is 403 before approval, 200 after, and 403 again once the grant expires', async () => {
    const agent = await start();

    const before = await preview(agent, 'bob');
    expect(before.status).toBe(403);
    expect(before.body.error.message).toContain('kaml-d.dataset.preview');
    // the owner reads it
    expect((await preview(agent, 'alice')).status).toBe(200);

    const created = await agent
      .post('/api/kaml-d/access-requests')
      .set('Authorization', as('bob'))
      .send({
        entityRef: 'dataset:default/customers',
        permissions: ['kaml-d.dataset.preview'],
        justification: 'Churn model features need the email domain',
        durationDays: 7,
      });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      entityRef: 'dataset:default/customers',
      permissions: ['kaml-d.dataset.preview'],
      requester: 'user:default/bob',
      status: 'pending',
      durationDays: 7,
      owners: ['group:default/risk'],
    });
    expect(state.sent).toEqual([
      expect.objectContaining({
        recipients: {
          type: 'entity',
          entityRef: ['group:default/risk'],
          excludeEntityRef: 'user:default/bob',
        },
        payload: expect.objectContaining({
          link: '/kaml-d/access-requests',
          title: 'Access request for dataset:default/customers',
        }),
      }),
    ]);
    // still pending: still denied
    expect((await preview(agent, 'bob')).status).toBe(403);

    // the owner sees it to decide; the requester sees it as theirs; others see nothing
    const toDecide = await agent
      .get('/api/kaml-d/access-requests?scope=to-decide&status=pending')
      .set('Authorization', as('alice'));
    expect(toDecide.body.items.map((r: { id: string }) => r.id)).toEqual([
      created.body.id,
    ]);
    const mine = await agent
      .get('/api/kaml-d/access-requests?scope=mine')
      .set('Authorization', as('bob'));
    expect(mine.body.items).toHaveLength(1);
    const erinSees = await agent
      .get('/api/kaml-d/access-requests?scope=to-decide')
      .set('Authorization', as('erin'));
    expect(erinSees.body.items).toEqual([]);
    expect(
      (
        await agent
          .get(`/api/kaml-d/access-requests/${created.body.id}`)
          .set('Authorization', as('erin'))
      ).status,
    ).toBe(404);

    // a non-owner cannot decide
    const byCarol = await agent
      .post(`/api/kaml-d/access-requests/${created.body.id}/decision`)
      .set('Authorization', as('carol'))
      .send({ decision: 'approve' });
    expect(byCarol.status).toBe(403);
    expect(byCarol.body.error.message).toMatch(
      /Only the owners of dataset:default\/customers \(group:default\/risk\) or an admin.*kaml-d\.access\.decide/,
    );

    const approved = await agent
      .post(`/api/kaml-d/access-requests/${created.body.id}/decision`)
      .set('Authorization', as('alice'))
      .send({ decision: 'approve', comment: 'for the churn model only' });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      status: 'approved',
      decidedBy: 'user:default/alice',
      decisionComment: 'for the churn model only',
    });
    const days =
      (Date.parse(approved.body.expiresAt) -
        Date.parse(approved.body.decidedAt)) /
      86_400_000;
    expect(days).toBe(7);
    expect(state.sent[1]).toMatchObject({
      recipients: { type: 'entity', entityRef: 'user:default/bob' },
      payload: { title: 'Access to dataset:default/customers approved' },
    });

    const after = await preview(agent, 'bob');
    expect(after.status).toBe(200);
    expect(after.body.rows).toHaveLength(2);
    // the grant is for preview only, and for bob only
    const query = await agent
      .post('/api/kaml-d/query')
      .set('Authorization', as('bob'))
      .send({ sql: 'SELECT * FROM "customers"' });
    expect(query.status).toBe(403);
    expect(query.body.error.message).toContain('kaml-d.dataset.query');
    expect((await preview(agent, 'erin')).status).toBe(403);

    // deciding twice is a conflict
    const again = await agent
      .post(`/api/kaml-d/access-requests/${created.body.id}/decision`)
      .set('Authorization', as('alice'))
      .send({ decision: 'deny' });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain('is approved');

    // the grant ends: move its end into the past (the clock the rule compares with)
    await state
      .knex(ACCESS_REQUESTS_TABLE)
      .where({ id: created.body.id })
      .update({ expires_at: new Date(Date.now() - 1000) });
    const expired = await preview(agent, 'bob');
    expect(expired.status).toBe(403);
    expect(expired.body.error.message).toContain('kaml-d.dataset.preview');
    const listed = await agent
      .get('/api/kaml-d/access-requests?scope=mine&status=expired')
      .set('Authorization', as('bob'));
    expect(listed.body.items.map((r: { status: string }) => r.status)).toEqual([
      'expired',
    ]);

    const audit = await state
      .knex('kaml_d_audit_log')
      .orderBy('id')
      .select('action', 'actor', 'entity_ref', 'outcome');
    expect(audit).toEqual([
      {
        action: 'access.request',
        actor: 'user:default/bob',
        entity_ref: 'dataset:default/customers',
        outcome: 'success',
      },
      {
        action: 'access.approve',
        actor: 'user:default/alice',
        entity_ref: 'dataset:default/customers',
        outcome: 'success',
      },
    ]);
  });
});
