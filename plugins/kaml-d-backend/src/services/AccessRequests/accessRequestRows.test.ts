import {
  decisionUpdate,
  grantsByEntity,
  pendingRow,
  toRequest,
} from './accessRequestRows';

const CREATED = new Date('2026-03-01T10:00:00.000Z');
const day = (n: number) => new Date(CREATED.getTime() + n * 86_400_000);

const pending = pendingRow({
  entityRef: 'dataset:default/customers',
  permissions: ['kaml-d.dataset.read'],
  justification: '  churn model features  ',
  requester: 'user:default/jane',
  owners: ['group:default/data-team'],
  durationDays: 7,
  createdAt: CREATED,
});

describe('access request rows', () => {
  it('stores a pending request that lapses after the grant’s duration', () => {
    expect(pending).toMatchObject({
      status: 'pending',
      justification: 'churn model features',
      pending_key: 'user:default/jane|dataset:default/customers',
      expires_at: day(7),
    });
    expect(pending.id).toMatch(/^ar-20260301t100000z-[0-9a-f]{6}$/);
  });

  it('answers a pending request without an expiry, and as expired once it lapsed', () => {
    const now = toRequest(pending, day(1));
    expect(now).toMatchObject({
      status: 'pending',
      durationDays: 7,
      createdAt: '2026-03-01T10:00:00.000Z',
      owners: ['group:default/data-team'],
    });
    expect(now).not.toHaveProperty('expiresAt');
    expect(toRequest(pending, day(7)).status).toBe('expired');
  });

  it('grants an approval for the requested days from the decision; a denial never expires', () => {
    const decidedAt = day(2);
    const approved = {
      ...pending,
      ...decisionUpdate(pending, {
        approve: true,
        decidedBy: 'user:default/bob',
        decidedAt,
        comment: 'ok',
      }),
    };
    expect(toRequest(approved, day(3))).toMatchObject({
      status: 'approved',
      decidedBy: 'user:default/bob',
      decidedAt: decidedAt.toISOString(),
      decisionComment: 'ok',
      expiresAt: day(9).toISOString(),
    });
    expect(toRequest(approved, day(9)).status).toBe('expired');

    const denied = {
      ...pending,
      ...decisionUpdate(pending, {
        approve: false,
        decidedBy: 'user:default/bob',
        decidedAt,
        comment: null,
      }),
    };
    expect(denied.expires_at).toEqual(day(7));
    const answer = toRequest(denied, day(30));
    expect(answer.status).toBe('denied');
    expect(answer).not.toHaveProperty('expiresAt');
    expect(answer).not.toHaveProperty('decisionComment');
  });

  it('makes one grant per permission, keyed by every entity asked for', () => {
    const grants = grantsByEntity(
      ['dataset:default/customers', 'dataset:default/orders'],
      [
        {
          id: 'ar-1',
          entity_ref: 'dataset:default/customers',
          requester: 'user:default/jane',
          permissions: JSON.stringify(['read', 'write']),
          expires_at: day(7),
        },
      ],
    );
    expect(grants.get('dataset:default/orders')).toEqual([]);
    expect(grants.get('dataset:default/customers')).toEqual([
      {
        requestId: 'ar-1',
        entityRef: 'dataset:default/customers',
        grantee: 'user:default/jane',
        permission: 'read',
        expiresAt: day(7).toISOString(),
      },
      expect.objectContaining({ permission: 'write' }),
    ]);
  });
});
