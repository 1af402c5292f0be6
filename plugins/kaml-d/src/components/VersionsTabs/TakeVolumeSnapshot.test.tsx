import { configure, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  DatasetSnapshot,
  DatasetVolumeSnapshot,
} from '@kaml-d/plugin-kaml-d-common';
import { financeTransactions } from '../__fixtures__/entities';
import {
  renderVersionsTab,
  DATASET,
  snapshot,
} from '../__testUtils__/versions';
import { DatasetVersionsContent } from './DatasetVersionsContent';

// Taking a snapshot of a dataset on a PersistentVolumeClaim: the server accepts it pending, the
// tab reads the timeline again until it is ready (or failed) and says so.

jest.setTimeout(30_000);
configure({ asyncUtilTimeout: 10_000 });

const ID = 'snap-20261207t100000z-cccccc';

function volume(extra: Partial<DatasetVolumeSnapshot> = {}) {
  return {
    cluster: 'kaml-d',
    namespace: 'kaml-d-training',
    claim: 'finance',
    volumeSnapshot: ID,
    readyToUse: false,
    ...extra,
  };
}

function taken(state: DatasetSnapshot['state'], extra = {}) {
  return snapshot(ID, 'before training', {
    method: 'volume-snapshot',
    state,
    volume: volume(extra),
  });
}

async function take(answers: DatasetSnapshot[][]) {
  const listDatasetSnapshots = jest.fn(async () => ({
    entityRef: DATASET,
    items: answers.length > 1 ? answers.shift()! : answers[0],
  }));
  const createDatasetSnapshot = jest.fn(async () => taken('pending'));
  await renderVersionsTab(
    <DatasetVersionsContent />,
    { listDatasetSnapshots, createDatasetSnapshot },
    financeTransactions,
  );
  await userEvent.type(
    await screen.findByLabelText('Snapshot message'),
    'before training',
  );
  await userEvent.click(screen.getByRole('button', { name: 'Take snapshot' }));
  return { listDatasetSnapshots };
}

describe('taking a snapshot of a PVC dataset', () => {
  it('shows it pending, polls until its VolumeSnapshot is ready, then says it is taken', async () => {
    const { listDatasetSnapshots } = await take([
      [],
      [taken('pending')],
      [taken('pending')],
      [taken('complete', { readyToUse: true, restoreSize: '1Gi' })],
    ]);
    expect(
      await screen.findByText(
        `Snapshot ${ID} is being taken: waiting until its VolumeSnapshot is ready to use…`,
      ),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('taking… waiting until ready to use'),
    ).toBeInTheDocument();
    expect(
      await screen.findByText(
        `Snapshot ${ID} taken: its VolumeSnapshot is ready to use.`,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('ready · kaml-d-training/finance'),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: `Restore ${ID}` }),
      ).toBeEnabled(),
    );
    expect(listDatasetSnapshots.mock.calls.length).toBeGreaterThanOrEqual(4);
  });

  it('says why when the snapshot fails', async () => {
    const error =
      'The VolumeSnapshot kaml-d-training/snap-x of claim finance was not readyToUse within 300s (is the CSI driver of its VolumeSnapshotClass running?)';
    await take([[], [taken('pending')], [taken('failed', { error })]]);
    expect(
      await screen.findByText(`Snapshot ${ID} failed: ${error}`),
    ).toBeInTheDocument();
    expect(screen.getByText(`failed: ${error}`)).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: `Restore ${ID}` }),
    ).toBeDisabled();
  });
});
