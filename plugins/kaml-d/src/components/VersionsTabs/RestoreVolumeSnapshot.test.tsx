import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { DatasetVolumeSnapshot } from '@kaml-d/plugin-kaml-d-common';
import { financeTransactions } from '../__fixtures__/entities';
import {
  renderVersionsTab,
  DATASET,
  snapshot,
} from '../__testUtils__/versions';
import { DatasetVersionsContent } from './DatasetVersionsContent';

// Snapshots of a dataset on a PersistentVolumeClaim: ready state, and restore as a new claim.

jest.setTimeout(30_000);
configure({ asyncUtilTimeout: 5_000 });

function volume(id: string, extra: Partial<DatasetVolumeSnapshot> = {}) {
  return {
    cluster: 'kaml-d',
    namespace: 'kaml-d-training',
    claim: 'finance',
    volumeSnapshot: id,
    readyToUse: true,
    restoreSize: '1Gi',
    ...extra,
  };
}

const ready = snapshot('snap-20261126t070102z-aaaaaa', 'before cleaning', {
  method: 'volume-snapshot',
  volume: volume('snap-20261126t070102z-aaaaaa'),
});
const gone = snapshot('snap-20261126t080102z-bbbbbb', 'after cleaning', {
  method: 'volume-snapshot',
  volume: volume('snap-20261126t080102z-bbbbbb', {
    readyToUse: false,
    error:
      'The VolumeSnapshot kaml-d-training/snap-20261126t080102z-bbbbbb is gone from cluster kaml-d.',
  }),
});

describe('Dataset Versions tab of a PVC dataset', () => {
  it('shows the ready state and restores a ready snapshot as a new claim with the chosen name', async () => {
    const restoreDatasetSnapshot = jest.fn(async () => ({
      entityRef: DATASET,
      restored: ready,
      restoredClaim: {
        cluster: 'kaml-d',
        namespace: 'kaml-d-training',
        name: 'finance-v1',
        location: 'pvc://kaml-d/kaml-d-training/finance-v1',
        phase: 'Bound',
      },
    }));
    await renderVersionsTab(
      <DatasetVersionsContent />,
      {
        listDatasetSnapshots: async () => ({
          entityRef: DATASET,
          items: [gone, ready],
        }),
        restoreDatasetSnapshot,
      },
      financeTransactions,
    );
    expect(
      await screen.findByText('ready · kaml-d-training/finance'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/^not ready: The VolumeSnapshot .* is gone/),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: `Restore ${ready.id}` }),
      ).toBeEnabled(),
    );
    expect(
      screen.getByRole('button', { name: `Restore ${gone.id}` }),
    ).toBeDisabled();
    // no file preview or comparison of a volume snapshot
    expect(
      screen.queryByRole('button', { name: 'Preview' }),
    ).not.toBeInTheDocument();
    expect(
      screen.getByRole('checkbox', { name: `select ${ready.id}` }),
    ).toBeDisabled();

    await userEvent.click(
      screen.getByRole('button', { name: `Restore ${ready.id}` }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByText(
        /A new PersistentVolumeClaim is made in kaml-d-training/,
      ),
    ).toBeInTheDocument();
    const name = within(dialog).getByLabelText('New claim name');
    expect(name).toHaveValue('finance-restore-aaaaaa');
    await userEvent.clear(name);
    await userEvent.type(name, 'Finance_V1');
    expect(
      within(dialog).getByRole('button', { name: 'Restore' }),
    ).toBeDisabled();
    await userEvent.clear(name);
    await userEvent.type(name, 'finance-v1');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Restore' }),
    );
    expect(restoreDatasetSnapshot).toHaveBeenCalledWith(
      { namespace: 'default', name: 'finance-transactions' },
      ready.id,
      undefined,
      'finance-v1',
    );
    expect(
      await screen.findByText(
        `Restored ${ready.id} as the new claim kaml-d-training/finance-v1 (Bound): train on pvc://kaml-d/kaml-d-training/finance-v1. The dataset's own claim is unchanged.`,
      ),
    ).toBeInTheDocument();
  });
});
