import { configure, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { financeTransactions } from '../__fixtures__/entities';
import {
  renderVersionsTab,
  DATASET,
  older,
  newer,
  diff,
} from '../__testUtils__/versions';
import { DatasetVersionsContent } from './DatasetVersionsContent';

// Comparing snapshots on the Dataset Versions tab: two with each other, one with the current state.

jest.setTimeout(30_000);
// dialogs close with a transition and answers settle late on a busy machine
configure({ asyncUtilTimeout: 5_000 });

describe('Dataset Versions tab', () => {
  it('diffs two selected snapshots oldest first and shows added, removed and changed counts', async () => {
    const diffDatasetSnapshots = jest.fn(async () => diff);
    await renderVersionsTab(
      <DatasetVersionsContent />,
      {
        listDatasetSnapshots: async () => ({
          entityRef: DATASET,
          items: [newer, older],
        }),
        diffDatasetSnapshots,
      },
      financeTransactions,
    );
    await screen.findByText('before cleaning');
    await userEvent.click(
      screen.getByRole('checkbox', { name: `select ${newer.id}` }),
    );
    await userEvent.click(
      screen.getByRole('checkbox', { name: `select ${older.id}` }),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Compare the two selected' }),
    );
    expect(diffDatasetSnapshots).toHaveBeenCalledWith(
      { namespace: 'default', name: 'finance-transactions' },
      older.id,
      newer.id,
    );
    expect(
      await screen.findByText('2 added · 1 removed · 1 changed · 1 unchanged'),
    ).toBeInTheDocument();
    expect(screen.getByText('Rows: 400 → 520 (+120)')).toBeInTheDocument();
    expect(
      screen.getByText('Schema: + merchant VARCHAR · amount: BIGINT → DOUBLE'),
    ).toBeInTheDocument();
    expect(screen.getByText('old.csv')).toBeInTheDocument();
  });

  it('compares one snapshot with the current state', async () => {
    const diffDatasetSnapshots = jest.fn(async () => ({
      ...diff,
      to: 'current',
    }));
    await renderVersionsTab(
      <DatasetVersionsContent />,
      {
        listDatasetSnapshots: async () => ({
          entityRef: DATASET,
          items: [newer, older],
        }),
        diffDatasetSnapshots,
      },
      financeTransactions,
    );
    await screen.findByText('before cleaning');
    await userEvent.click(
      screen.getByRole('checkbox', { name: `select ${older.id}` }),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Compare with current' }),
    );
    expect(diffDatasetSnapshots).toHaveBeenCalledWith(
      expect.anything(),
      older.id,
      'current',
    );
    expect(
      await screen.findByText(`${older.id} → Current`),
    ).toBeInTheDocument();
  });
});

describe('Dataset Versions tab states and permissions', () => {
  it('highlights and preselects the snapshot named in the address', async () => {
    const diffDatasetSnapshots = jest.fn(async () => ({
      ...diff,
      to: 'current',
    }));
    await renderVersionsTab(
      <DatasetVersionsContent />,
      {
        listDatasetSnapshots: async () => ({
          entityRef: DATASET,
          items: [newer, older],
        }),
        diffDatasetSnapshots,
      },
      financeTransactions,
      { route: `/?snapshot=${older.id}` },
    );
    await screen.findByText('before cleaning');
    expect(
      screen.getByRole('checkbox', { name: `select ${older.id}` }),
    ).toBeChecked();
    await userEvent.click(
      screen.getByRole('button', { name: 'Compare with current' }),
    );
    expect(diffDatasetSnapshots).toHaveBeenCalledWith(
      expect.anything(),
      older.id,
      'current',
    );
  });

  it('says why schema and rows were not compared when the data is not a table', async () => {
    await renderVersionsTab(
      <DatasetVersionsContent />,
      {
        listDatasetSnapshots: async () => ({
          entityRef: DATASET,
          items: [older],
        }),
        diffDatasetSnapshots: async () => ({
          ...diff,
          to: 'current',
          rows: undefined,
          schema: { added: [], removed: [], changed: [] },
          tableUnreadable: 'no tabular files (images)',
        }),
      },
      financeTransactions,
    );
    await screen.findByText('before cleaning');
    await userEvent.click(
      screen.getByRole('checkbox', { name: `select ${older.id}` }),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Compare with current' }),
    );
    expect(
      await screen.findByText(
        'Schema and row counts not compared: no tabular files (images)',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('2024/q1.csv')).toBeInTheDocument();
  });
});
