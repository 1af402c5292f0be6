import { Entity } from '@backstage/catalog-model';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AccessRequest } from '@kaml-d/plugin-kaml-d-common';
import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ReactElement } from 'react';
import {
  KamlDGovernanceApi,
  kamlDGovernanceApiRef,
} from '../../api/GovernanceApi';
import { customerChurn, financeTransactions } from '../__fixtures__/entities';
import { mockGovernanceApi } from '../__fixtures__/governanceApi';
import { FreshPermissionCache } from '../__testUtils__/permissions';
import { AccessRequestsPage } from './AccessRequestsPage';
import { DatasetAccessGate } from './DatasetAccessGate';
import { requestProblem } from './RequestAccess';

// the app, the permission check and the page load in turn: more than the default second on a busy machine
configure({ asyncUtilTimeout: 10_000 });
jest.setTimeout(30_000);

const alice = {
  userEntityRef: 'user:default/alice',
  ownershipEntityRefs: ['user:default/alice', 'group:default/data-science'],
};
const bob = {
  userEntityRef: 'user:default/bob',
  ownershipEntityRefs: ['user:default/bob', 'group:default/data-engineering'],
};

const pendingRequest: AccessRequest = {
  id: 'ar-20261126t113000z-1a2b3c',
  entityRef: 'dataset:default/finance-transactions',
  permissions: ['kaml-d.dataset.preview'],
  justification: 'Features for the fraud model need the card holder columns',
  requester: 'user:default/alice',
  status: 'pending',
  durationDays: 7,
  createdAt: '2026-11-26T11:30:00.000Z',
  owners: ['group:default/data-engineering'],
};

async function render(
  element: ReactElement,
  options: {
    governance?: Partial<KamlDGovernanceApi>;
    allow?: boolean;
    user?: typeof alice;
  },
) {
  const authorize = jest.fn(() =>
    options.allow ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
  );
  await renderInTestApp(
    <FreshPermissionCache>{element}</FreshPermissionCache>,
    {
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: [
        [kamlDGovernanceApiRef, mockGovernanceApi(options.governance)],
        [permissionApiRef, mockApis.permission({ authorize })],
        mockApis.identity(options.user ?? alice),
      ],
    },
  );
  return authorize;
}

function gated(entity: Entity) {
  return (
    <EntityProvider entity={entity}>
      <DatasetAccessGate action="Preview">
        <p>first rows</p>
      </DatasetAccessGate>
    </EntityProvider>
  );
}

describe('Dataset access gate and Request access', () => {
  it('shows the tab to a user holding kaml-d.dataset.preview on the dataset', async () => {
    const authorize = await render(gated(financeTransactions), {
      allow: true,
      user: bob,
    });
    expect(await screen.findByText('first rows')).toBeInTheDocument();
    expect(authorize).toHaveBeenCalledWith(
      expect.objectContaining({
        permission: expect.objectContaining({ name: 'kaml-d.dataset.preview' }),
        resourceRef: 'dataset:default/finance-transactions',
      }),
    );
    expect(
      screen.queryByRole('button', { name: 'Request access' }),
    ).not.toBeInTheDocument();
  });

  it('tells a non-owner of a pii dataset why, and sends a request with justification and duration', async () => {
    const listAccessRequests = jest.fn(async () => ({ items: [] }));
    const createAccessRequest = jest.fn(async () => pendingRequest);
    await render(gated(financeTransactions), {
      governance: { listAccessRequests, createAccessRequest },
    });
    expect(
      await screen.findByText(
        'Preview needs kaml-d.dataset.preview: this dataset is classified pii and you are not an owner',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText('first rows')).not.toBeInTheDocument();
    expect(listAccessRequests).toHaveBeenCalledWith('mine', 'pending');

    await userEvent.click(
      await screen.findByRole('button', { name: 'Request access' }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    expect(
      dialog.getByText(
        'Request access to dataset:default/finance-transactions',
      ),
    ).toBeInTheDocument();
    expect(dialog.getByLabelText(/Preview and profile/)).toBeChecked();
    expect(dialog.getByLabelText(/Run SQL/)).not.toBeChecked();

    // too short: the dialog says what to change and sends nothing
    await userEvent.type(dialog.getByLabelText('Justification'), 'need it');
    await userEvent.click(dialog.getByRole('button', { name: 'Send request' }));
    expect(
      dialog.getByText(/at least 10 characters \(7 so far\)/),
    ).toBeInTheDocument();
    expect(createAccessRequest).not.toHaveBeenCalled();

    await userEvent.type(
      dialog.getByLabelText('Justification'),
      ' for the fraud model features',
    );
    await userEvent.clear(dialog.getByLabelText('Duration (days)'));
    await userEvent.type(dialog.getByLabelText('Duration (days)'), '7');
    await userEvent.click(dialog.getByRole('button', { name: 'Send request' }));
    await waitFor(() =>
      expect(createAccessRequest).toHaveBeenCalledWith({
        entityRef: 'dataset:default/finance-transactions',
        permissions: ['kaml-d.dataset.preview'],
        justification: 'need it for the fraud model features',
        durationDays: 7,
      }),
    );
    expect(
      await screen.findByText(
        /pending, waiting for group:default\/data-engineering/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Request access' }),
    ).not.toBeInTheDocument();
  });

  it('shows the pending request instead of the button when one is already open', async () => {
    await render(gated(financeTransactions), {
      governance: {
        listAccessRequests: async () => ({ items: [pendingRequest] }),
      },
    });
    expect(await screen.findByText(/pending, waiting for/)).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Access requests' }),
    ).toHaveAttribute('href', '/kaml-d/access-requests');
    expect(
      screen.queryByRole('button', { name: 'Request access' }),
    ).not.toBeInTheDocument();
  });

  it('names roles, not pii, on a dataset without pii columns', async () => {
    await render(gated(customerChurn), { user: bob });
    expect(
      await screen.findByText(
        'Preview needs kaml-d.dataset.preview: you are not an owner of dataset:default/customer-churn and none of your groups has a role that grants it',
      ),
    ).toBeInTheDocument();
  });

  it('shows the server message when the request is refused', async () => {
    await render(gated(financeTransactions), {
      governance: {
        createAccessRequest: async () => {
          throw new Error(
            'You already have a pending request for kaml-d.dataset.preview on dataset:default/finance-transactions',
          );
        },
      },
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Request access' }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    await userEvent.type(
      dialog.getByLabelText('Justification'),
      'quarterly fraud review',
    );
    await userEvent.click(dialog.getByRole('button', { name: 'Send request' }));
    expect(
      await dialog.findByText(
        /Could not send the request: You already have a pending request/,
      ),
    ).toBeInTheDocument();
  });
});

describe('requestProblem', () => {
  it('says what to change', () => {
    const ok = {
      permissions: ['kaml-d.dataset.preview' as const],
      justification: 'for the churn model',
      durationDays: 30,
    };
    expect(requestProblem(ok)).toBeUndefined();
    expect(requestProblem({ ...ok, permissions: [] })).toBe(
      'Pick at least one permission.',
    );
    expect(requestProblem({ ...ok, durationDays: 91 })).toBe(
      'The duration is a whole number of days from 1 to 90.',
    );
    expect(requestProblem({ ...ok, durationDays: 1.5 })).toBe(
      'The duration is a whole number of days from 1 to 90.',
    );
    expect(requestProblem({ ...ok, justification: 'x'.repeat(2001) })).toMatch(
      /too long/,
    );
  });
});

describe('Access requests page', () => {
  it('lists my requests and lets an owner approve with a comment', async () => {
    const approved: AccessRequest = {
      ...pendingRequest,
      status: 'approved',
      decidedBy: 'user:default/bob',
      decidedAt: '2026-11-26T11:40:00.000Z',
      decisionComment: 'ok for the review',
      expiresAt: '2026-12-03T11:40:00.000Z',
    };
    let decided = false;
    const listAccessRequests = jest.fn(async (scope: string) => {
      if (scope === 'mine') {
        return {
          items: [
            {
              ...pendingRequest,
              id: 'ar-mine',
              requester: 'user:default/bob',
              entityRef: 'dataset:default/customer-churn',
              status: 'denied' as const,
              decidedBy: 'user:default/alice',
              decisionComment: 'not this quarter',
            },
          ],
        };
      }
      return { items: [decided ? approved : pendingRequest] };
    });
    const decideAccessRequest = jest.fn(async () => {
      decided = true;
      return approved;
    });
    await render(<AccessRequestsPage />, {
      user: bob,
      governance: { listAccessRequests, decideAccessRequest },
    });

    const mine = within(
      await screen.findByRole('table', { name: 'My requests' }),
    );
    expect(mine.getByText('customer-churn')).toBeInTheDocument();
    expect(mine.getByText('Denied')).toBeInTheDocument();
    expect(mine.getByText(/not this quarter/)).toBeInTheDocument();

    const toDecide = within(screen.getByRole('table', { name: 'To decide' }));
    expect(toDecide.getByText('alice')).toBeInTheDocument();
    expect(toDecide.getByText('Pending')).toBeInTheDocument();
    expect(
      toDecide.getByText(pendingRequest.justification),
    ).toBeInTheDocument();
    await userEvent.click(
      toDecide.getByRole('button', { name: `Approve ${pendingRequest.id}` }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    await userEvent.type(
      dialog.getByLabelText('Comment for the requester'),
      'ok for the review',
    );
    await userEvent.click(dialog.getByRole('button', { name: 'Approve' }));
    await waitFor(() =>
      expect(decideAccessRequest).toHaveBeenCalledWith(pendingRequest.id, {
        decision: 'approve',
        comment: 'ok for the review',
      }),
    );
    expect(
      await screen.findByText(
        'Approved user:default/alice’s request for dataset:default/finance-transactions.',
      ),
    ).toBeInTheDocument();
    const after = within(
      await screen.findByRole('table', { name: 'To decide' }),
    );
    expect(await after.findByText('Approved')).toBeInTheDocument();
    expect(
      after.queryByRole('button', { name: /Approve/ }),
    ).not.toBeInTheDocument();
  });

  it('says so when there is nothing to decide and no request of mine', async () => {
    await render(<AccessRequestsPage />, {});
    expect(
      await screen.findByText('Nobody has asked for access to what you own.'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/You have not requested access to anything/),
    ).toBeInTheDocument();
  });

  it('shows why a decision failed', async () => {
    await render(<AccessRequestsPage />, {
      user: bob,
      governance: {
        listAccessRequests: async scope => ({
          items: scope === 'to-decide' ? [pendingRequest] : [],
        }),
        decideAccessRequest: async () => {
          throw new Error('Request ar-1 was already decided');
        },
      },
    });
    await userEvent.click(
      await screen.findByRole('button', { name: `Deny ${pendingRequest.id}` }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    await userEvent.click(dialog.getByRole('button', { name: 'Deny' }));
    expect(
      await dialog.findByText(
        'Could not decide: Request ar-1 was already decided',
      ),
    ).toBeInTheDocument();
  });
});
