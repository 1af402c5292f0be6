import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuditEvent } from '@kaml-d/plugin-kaml-d-common';
import {
  configure,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  KamlDGovernanceApi,
  kamlDGovernanceApiRef,
} from '../../api/GovernanceApi';
import { mockGovernanceApi } from '../__fixtures__/governanceApi';
import { FreshPermissionCache } from '../__testUtils__/permissions';
import { AuditPage, toFilters } from './AuditPage';

// the app, the permission check and the page load in turn: more than the default second on a busy machine
configure({ asyncUtilTimeout: 10_000 });
jest.setTimeout(30_000);

const approval: AuditEvent = {
  id: 42,
  at: '2026-11-26T11:30:00.000Z',
  actor: 'user:default/bob',
  action: 'access.approve',
  entityRef: 'dataset:default/finance-transactions',
  outcome: 'success',
  details: { requestId: 'ar-1', requester: 'user:default/alice' },
};
const restore: AuditEvent = {
  id: 41,
  at: '2026-11-26T11:20:00.000Z',
  actor: 'user:default/dave',
  action: 'dataset.snapshot.restore',
  entityRef: 'dataset:default/traffic-counts',
  outcome: 'failure',
  details: {},
};
const upload: AuditEvent = {
  id: 7,
  at: '2026-11-25T09:00:00.000Z',
  actor: 'service:scaffolder',
  action: 'dataset.upload',
  outcome: 'success',
  details: { objects: 3 },
};

async function render(
  governance: Partial<KamlDGovernanceApi>,
  decision:
    | AuthorizeResult.ALLOW
    | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
) {
  const authorize = jest.fn(() => decision);
  await renderInTestApp(
    <FreshPermissionCache>
      <AuditPage />
    </FreshPermissionCache>,
    {
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: [
        [kamlDGovernanceApiRef, mockGovernanceApi(governance)],
        [permissionApiRef, mockApis.permission({ authorize })],
      ],
    },
  );
  return authorize;
}

function rowOf(id: number) {
  const row = document.querySelector(`tr[data-audit-id="${id}"]`);
  if (!row) throw new Error(`no row for event ${id}`);
  return within(row as HTMLElement);
}

describe('Audit page', () => {
  it('tells a user without kaml-d.audit.read which permission is needed and reads nothing', async () => {
    const getAuditLog = jest.fn();
    const authorize = await render({ getAuditLog }, AuthorizeResult.DENY);
    expect(
      await screen.findByText(
        /You need kaml-d.audit.read to read the audit log/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/none of your groups has a role that grants it/),
    ).toBeInTheDocument();
    expect(getAuditLog).not.toHaveBeenCalled();
    expect(authorize).toHaveBeenCalledWith(
      expect.objectContaining({
        permission: expect.objectContaining({ name: 'kaml-d.audit.read' }),
      }),
    );
  });

  it('lists events with who, what, which entity and details; failures stand out', async () => {
    const getAuditLog = jest.fn(async () => ({
      items: [approval, restore, upload],
    }));
    await render({ getAuditLog });
    expect(await screen.findByText('Access approved')).toBeInTheDocument();
    expect(getAuditLog).toHaveBeenCalledWith({ limit: 25, before: undefined });
    expect(rowOf(42).getByText('bob').closest('a')).toHaveAttribute(
      'href',
      '/catalog/default/user/bob',
    );
    expect(
      rowOf(42).getByText('finance-transactions').closest('a'),
    ).toHaveAttribute('href', '/catalog/default/dataset/finance-transactions');
    expect(
      rowOf(42).getByText(
        '{"requestId":"ar-1","requester":"user:default/alice"}',
      ),
    ).toBeInTheDocument();
    expect(rowOf(41).getByText('Snapshot restored')).toBeInTheDocument();
    expect(rowOf(41).getByText('failure')).toBeInTheDocument();
    // a service actor is text, an event without an entity says so
    expect(rowOf(7).getByText('service:scaffolder')).toBeInTheDocument();
    expect(rowOf(7).getAllByText('—')).toHaveLength(1);
    // only one page: no older
    expect(screen.getByRole('button', { name: 'Older' })).toBeDisabled();
  });

  it('applies the filters, pages with the cursor and exports with the same filters', async () => {
    const getAuditLog = jest.fn(async (request: { before?: number }) =>
      request.before === undefined
        ? { items: [approval, restore], nextBefore: 41 }
        : { items: [upload] },
    );
    const exportAuditLog = jest.fn(async () => new Blob(['{"id":42}\n']));
    const createObjectURL = jest.fn(() => 'blob:audit');
    const revokeObjectURL = jest.fn();
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(() => {});
    await render({ getAuditLog, exportAuditLog });
    await screen.findByText('Snapshot restored');

    await userEvent.type(screen.getByLabelText('Who'), 'user:default/bob');
    await userEvent.type(
      screen.getByLabelText('Entity'),
      'dataset:default/finance-transactions',
    );
    fireEvent.change(screen.getByLabelText('From'), {
      target: { value: '2026-11-26T00:00' },
    });
    await userEvent.click(screen.getByLabelText('Action'));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Access approved' }),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Apply filters' }),
    );
    const filters = {
      actor: 'user:default/bob',
      action: 'access.approve',
      entityRef: 'dataset:default/finance-transactions',
      since: new Date('2026-11-26T00:00').toISOString(),
    };
    await waitFor(() =>
      expect(getAuditLog).toHaveBeenLastCalledWith({
        ...filters,
        limit: 25,
        before: undefined,
      }),
    );

    await userEvent.click(await screen.findByRole('button', { name: 'Older' }));
    expect(await screen.findByText('service:scaffolder')).toBeInTheDocument();
    expect(getAuditLog).toHaveBeenLastCalledWith({
      ...filters,
      limit: 25,
      before: 41,
    });
    expect(screen.getByText('Page 2')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Newer' }));
    expect(await screen.findByText('Snapshot restored')).toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', { name: 'Export JSON lines' }),
    );
    await waitFor(() => expect(click).toHaveBeenCalled());
    expect(exportAuditLog).toHaveBeenCalledWith(filters);
    expect(createObjectURL).toHaveBeenCalled();
    expect(revokeObjectURL).toHaveBeenCalledWith('blob:audit');
    click.mockRestore();
  });

  it('shows the server message when the audit log cannot be read', async () => {
    await render({
      getAuditLog: async () => {
        throw new Error('until must be an ISO 8601 time');
      },
    });
    expect(
      await screen.findByText(
        'Error: Could not read the audit log: until must be an ISO 8601 time',
      ),
    ).toBeInTheDocument();
  });

  it('says when no event matches', async () => {
    await render({ getAuditLog: async () => ({ items: [] }) });
    expect(
      await screen.findByText('No events match these filters.'),
    ).toBeInTheDocument();
  });
});

describe('toFilters', () => {
  it('leaves out empty fields and turns local times into instants', () => {
    expect(
      toFilters({
        actor: '  ',
        action: '',
        entityRef: 'x',
        since: '',
        until: '2026-11-26T12:00',
      }),
    ).toEqual({
      entityRef: 'x',
      until: new Date('2026-11-26T12:00').toISOString(),
    });
  });
});
