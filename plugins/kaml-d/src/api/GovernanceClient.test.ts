import { ResponseError } from '@backstage/errors';
import { AuditLogPageRequest } from './GovernanceApi';
import { KamlDGovernanceClient } from './GovernanceClient';

interface Call {
  url: string;
  method: string;
  body?: unknown;
}

function clientAnswering(
  answer: (call: Call) => { status: number; body: unknown; text?: string },
) {
  const calls: Call[] = [];
  const client = new KamlDGovernanceClient({
    discoveryApi: {
      getBaseUrl: async (pluginId: string) => `http://backend/api/${pluginId}`,
    },
    fetchApi: {
      fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
        const call: Call = {
          url: String(input),
          method: init?.method ?? 'GET',
          body: init?.body ? JSON.parse(String(init.body)) : undefined,
        };
        calls.push(call);
        const { status, body, text } = answer(call);
        return new Response(text ?? JSON.stringify(body), {
          status,
          headers: { 'Content-Type': 'application/json' },
        });
      },
    },
  });
  return { client, calls };
}

const request = {
  id: 'ar-1',
  entityRef: 'dataset:default/finance-transactions',
  permissions: ['kaml-d.dataset.preview' as const],
  justification: 'Fraud model features need the card holder columns',
  requester: 'user:default/alice',
  status: 'pending' as const,
  durationDays: 7,
  createdAt: '2026-11-26T11:00:00.000Z',
  owners: ['group:default/data-engineering'],
};

describe('KamlDGovernanceClient', () => {
  it('reads an audit page with only the filters that are set', async () => {
    const { client, calls } = clientAnswering(() => ({
      status: 200,
      body: { items: [], nextBefore: 40 },
    }));
    await expect(
      client.getAuditLog({
        actor: 'user:default/bob',
        action: 'access.approve',
        entityRef: '',
        since: '2026-11-26T00:00:00.000Z',
        limit: 25,
        before: 50,
      }),
    ).resolves.toEqual({ items: [], nextBefore: 40 });
    expect(calls[0].url).toBe(
      'http://backend/api/kaml-d/audit?actor=user%3Adefault%2Fbob&action=access.approve&since=2026-11-26T00%3A00%3A00.000Z&limit=25&before=50',
    );
  });

  it('exports JSON lines with the filters but without paging', async () => {
    const lines = '{"id":1}\n{"id":2}\n';
    const { client, calls } = clientAnswering(() => ({
      status: 200,
      body: undefined,
      text: lines,
    }));
    // a page request carries paging; the export ignores it
    const page: AuditLogPageRequest = { action: 'dataset.upload', limit: 5 };
    const blob = await client.exportAuditLog(page);
    expect(calls[0].url).toBe(
      'http://backend/api/kaml-d/audit/export?action=dataset.upload',
    );
    expect(blob.type).toBe('application/x-ndjson');
    expect(blob.size).toBe(lines.length);
  });

  it('fails with the server message when the audit log is refused', async () => {
    const { client } = clientAnswering(() => ({
      status: 403,
      body: {
        error: {
          name: 'NotAllowedError',
          message:
            'Reading the audit log needs the kaml-d.audit.read permission',
        },
        response: { statusCode: 403 },
      },
    }));
    const error = await client.getAuditLog({}).catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.body.error.message).toMatch(/kaml-d.audit.read/);
  });

  it('creates, lists and decides access requests', async () => {
    const { client, calls } = clientAnswering(call =>
      call.url.endsWith('/decision')
        ? { status: 200, body: { ...request, status: 'approved' } }
        : {
            status: call.method === 'POST' ? 201 : 200,
            body: call.method === 'POST' ? request : { items: [request] },
          },
    );
    await expect(
      client.createAccessRequest({
        entityRef: request.entityRef,
        permissions: ['kaml-d.dataset.preview'],
        justification: request.justification,
        durationDays: 7,
      }),
    ).resolves.toEqual(request);
    await expect(
      client.listAccessRequests('to-decide', 'pending'),
    ).resolves.toEqual({ items: [request] });
    await expect(
      client.decideAccessRequest('ar/1', {
        decision: 'approve',
        comment: 'ok',
      }),
    ).resolves.toMatchObject({ status: 'approved' });
    expect(calls).toEqual([
      {
        url: 'http://backend/api/kaml-d/access-requests',
        method: 'POST',
        body: {
          entityRef: request.entityRef,
          permissions: ['kaml-d.dataset.preview'],
          justification: request.justification,
          durationDays: 7,
        },
      },
      {
        url: 'http://backend/api/kaml-d/access-requests?scope=to-decide&status=pending',
        method: 'GET',
      },
      {
        url: 'http://backend/api/kaml-d/access-requests/ar%2F1/decision',
        method: 'POST',
        body: { decision: 'approve', comment: 'ok' },
      },
    ]);
  });
});
