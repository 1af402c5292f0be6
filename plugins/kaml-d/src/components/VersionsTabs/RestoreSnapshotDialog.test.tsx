import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { customerChurn, financeTransactions } from '../__fixtures__/entities';
import { responseError } from '../__fixtures__/kamlDApi';
import {
  renderVersionsTab,
  DATASET,
  snapshot,
  older,
  newer,
} from '../__testUtils__/versions';
import { DatasetVersionsContent } from './DatasetVersionsContent';

// Restoring a snapshot on the Dataset Versions tab: the confirmation, the safety snapshot and the permission.

jest.setTimeout(30_000);
// dialogs close with a transition and answers settle late on a busy machine
configure({ asyncUtilTimeout: 5_000 });

describe('Dataset Versions tab', () => {
  it('restores after confirmation and names the safety snapshot', async () => {
    const safety = snapshot(
      'snap-20261126t090000z-cccccc',
      'before restoring',
      { reason: 'before-restore' },
    );
    const restoreDatasetSnapshot = jest.fn(async () => ({
      entityRef: DATASET,
      restored: older,
      safetySnapshot: safety,
    }));
    await renderVersionsTab(
      <DatasetVersionsContent />,
      {
        listDatasetSnapshots: async () => ({
          entityRef: DATASET,
          items: [newer, older],
        }),
        restoreDatasetSnapshot,
      },
      financeTransactions,
    );
    await screen.findByText('before cleaning');
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: `Restore ${older.id}` }),
      ).toBeEnabled(),
    );
    await userEvent.click(
      screen.getByRole('button', { name: `Restore ${older.id}` }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByText(
        /a safety snapshot of the current state is taken/,
      ),
    ).toBeInTheDocument();
    expect(restoreDatasetSnapshot).not.toHaveBeenCalled();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Restore' }),
    );
    expect(restoreDatasetSnapshot).toHaveBeenCalledWith(
      { namespace: 'default', name: 'finance-transactions' },
      older.id,
    );
    expect(
      await screen.findByText(
        `Restored ${older.id}. The state before the restore was saved as snapshot ${safety.id}.`,
      ),
    ).toBeInTheDocument();
  });

  it('disables restoring with the permission name when the server answers 403', async () => {
    const restoreDatasetSnapshot = jest.fn(async () => {
      throw await responseError(
        403,
        'NotAllowedError',
        'Not allowed: needs the permission kaml-d.dataset.snapshot.restore',
      );
    });
    await renderVersionsTab(
      <DatasetVersionsContent />,
      {
        listDatasetSnapshots: async () => ({
          entityRef: DATASET,
          items: [newer, older],
        }),
        restoreDatasetSnapshot,
      },
      financeTransactions,
    );
    await screen.findByText('before cleaning');
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: `Restore ${older.id}` }),
      ).toBeEnabled(),
    );
    await userEvent.click(
      screen.getByRole('button', { name: `Restore ${older.id}` }),
    );
    await userEvent.click(
      within(await screen.findByRole('dialog')).getByRole('button', {
        name: 'Restore',
      }),
    );
    expect(
      await screen.findByText(
        'You cannot restore snapshots: restoring needs the permission kaml-d.dataset.snapshot.restore.',
      ),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: `Restore ${newer.id}` }),
      ).toBeDisabled(),
    );
    expect(
      screen.getByRole('button', { name: `Restore ${older.id}` }).parentElement,
    ).toHaveAttribute(
      'title',
      'Needs permission kaml-d.dataset.snapshot.restore',
    );
  });
});

describe('Dataset Versions tab states and permissions', () => {
  it('disables restore up front, naming the permission, when the user lacks it', async () => {
    const restoreDatasetSnapshot = jest.fn();
    await renderVersionsTab(
      <DatasetVersionsContent />,
      {
        listDatasetSnapshots: async () => ({
          entityRef: DATASET,
          items: [older],
        }),
        restoreDatasetSnapshot,
      },
      // an entity no other test asks permissions for: the permission hook caches answers
      customerChurn,
      { deny: ['kaml-d.dataset.snapshot.restore'] },
    );
    await screen.findByText('before cleaning');
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: `Restore ${older.id}` }),
      ).toBeDisabled(),
    );
    expect(
      screen.getByText(
        'You cannot restore snapshots: restoring needs the permission kaml-d.dataset.snapshot.restore.',
      ),
    ).toBeInTheDocument();
    // taking snapshots is still possible
    await userEvent.type(screen.getByLabelText('Snapshot message'), 'x');
    expect(screen.getByRole('button', { name: 'Take snapshot' })).toBeEnabled();
    expect(restoreDatasetSnapshot).not.toHaveBeenCalled();
  });
});
