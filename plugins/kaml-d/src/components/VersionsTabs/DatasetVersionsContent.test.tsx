import { configure, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { financeTransactions } from '../__fixtures__/entities';
import { pending, responseError } from '../__fixtures__/kamlDApi';
import {
  renderVersionsTab,
  DATASET,
  older,
  newer,
  snapshotRow,
} from '../__testUtils__/versions';
import { DatasetVersionsContent } from './DatasetVersionsContent';

// The Dataset Versions tab: the snapshot timeline, its states, taking a snapshot and previewing one.

jest.setTimeout(30_000);
// dialogs close with a transition and answers settle late on a busy machine
configure({ asyncUtilTimeout: 5_000 });

describe('Dataset Versions tab', () => {
  it('shows the snapshot timeline with message, author, method, objects, size, short digest and trained models', async () => {
    const listDatasetSnapshots = jest.fn(async () => ({
      entityRef: DATASET,
      items: [
        { ...newer, models: [] },
        {
          ...older,
          models: [
            {
              entityRef: 'model:default/fraud-detector',
              version: 2,
              aliases: ['champion'],
            },
          ],
        },
      ],
    }));
    await renderVersionsTab(
      <DatasetVersionsContent />,
      { listDatasetSnapshots },
      financeTransactions,
    );
    expect(await screen.findByText('before cleaning')).toBeInTheDocument();
    const row = snapshotRow(older.id);
    expect(row.getByText('ada')).toBeInTheDocument();
    expect(row.getByText('version-ids')).toBeInTheDocument();
    expect(row.getByText('3')).toBeInTheDocument();
    expect(row.getByText('3f9a1c0b2d4e')).toBeInTheDocument();
    const link = await row.findByRole('link', { name: 'fraud-detector v2' });
    expect(link).toHaveAttribute(
      'href',
      '/catalog/default/model/fraud-detector/versions?version=2',
    );
    expect(snapshotRow(newer.id).getByText('4')).toBeInTheDocument();
    expect(snapshotRow(newer.id).getByText('none')).toBeInTheDocument();
    // one request answers the whole table, models of every row included
    expect(listDatasetSnapshots).toHaveBeenCalledTimes(1);
    expect(listDatasetSnapshots).toHaveBeenCalledWith(
      { namespace: 'default', name: 'finance-transactions' },
      { includeModels: true },
    );
  });

  it('explains an empty timeline', async () => {
    await renderVersionsTab(
      <DatasetVersionsContent />,
      { listDatasetSnapshots: async () => ({ entityRef: DATASET, items: [] }) },
      financeTransactions,
    );
    expect(await screen.findByText('No snapshots yet')).toBeInTheDocument();
  });

  it('takes a snapshot with the message typed', async () => {
    const createDatasetSnapshot = jest.fn(async () => newer);
    await renderVersionsTab(
      <DatasetVersionsContent />,
      {
        listDatasetSnapshots: async () => ({
          entityRef: DATASET,
          items: [older],
        }),
        createDatasetSnapshot,
      },
      financeTransactions,
    );
    await screen.findByText('before cleaning');
    const take = screen.getByRole('button', { name: 'Take snapshot' });
    expect(take).toBeDisabled();
    await userEvent.type(
      screen.getByLabelText('Snapshot message'),
      'after cleaning',
    );
    await userEvent.click(take);
    expect(createDatasetSnapshot).toHaveBeenCalledWith(
      { namespace: 'default', name: 'finance-transactions' },
      'after cleaning',
    );
    expect(
      await screen.findByText(`Snapshot ${newer.id} taken.`),
    ).toBeInTheDocument();
  });

  it('previews the first rows of a snapshot through the preview route', async () => {
    const getDatasetPreview = jest.fn(async () => ({
      entityRef: DATASET,
      engine: 'duckdb',
      columns: [{ name: 'amount', type: 'DOUBLE' }],
      rows: [[42.5]],
      limit: 10,
      truncated: false,
      elapsedMs: 3,
    }));
    await renderVersionsTab(
      <DatasetVersionsContent />,
      {
        listDatasetSnapshots: async () => ({
          entityRef: DATASET,
          items: [older],
        }),
        getDatasetPreview,
      },
      financeTransactions,
    );
    await screen.findByText('before cleaning');
    await userEvent.click(
      snapshotRow(older.id).getByRole('button', { name: 'Preview' }),
    );
    expect(
      await screen.findByText(`First 1 rows of ${older.id}`),
    ).toBeInTheDocument();
    expect(getDatasetPreview).toHaveBeenCalledWith(
      { namespace: 'default', name: 'finance-transactions' },
      10,
      older.id,
    );
  });
});

describe('Dataset Versions tab states and permissions', () => {
  it('shows progress while the snapshots load', async () => {
    await renderVersionsTab(
      <DatasetVersionsContent />,
      { listDatasetSnapshots: () => pending() },
      financeTransactions,
    );
    expect(
      await screen.findByRole('progressbar', { name: 'Loading snapshots' }),
    ).toBeInTheDocument();
  });

  it('names the server error when the snapshots cannot be listed', async () => {
    await renderVersionsTab(
      <DatasetVersionsContent />,
      {
        listDatasetSnapshots: async () => {
          throw await responseError(500, 'Error', 'database is locked');
        },
      },
      financeTransactions,
    );
    expect(
      await screen.findByText(
        /Could not list the snapshots of .*: database is locked/,
      ),
    ).toBeInTheDocument();
  });

  it('links each snapshot to the Preview, Schema and Profile tabs at that snapshot', async () => {
    await renderVersionsTab(
      <DatasetVersionsContent />,
      {
        listDatasetSnapshots: async () => ({
          entityRef: DATASET,
          items: [older],
        }),
      },
      financeTransactions,
    );
    await screen.findByText('before cleaning');
    const row = snapshotRow(older.id);
    expect(
      row.getByRole('link', { name: `preview at ${older.id}` }),
    ).toHaveAttribute(
      'href',
      `/catalog/default/dataset/finance-transactions/preview?snapshot=${older.id}`,
    );
    expect(
      row.getByRole('link', { name: `schema at ${older.id}` }),
    ).toHaveAttribute(
      'href',
      `/catalog/default/dataset/finance-transactions/schema?snapshot=${older.id}`,
    );
  });
});
