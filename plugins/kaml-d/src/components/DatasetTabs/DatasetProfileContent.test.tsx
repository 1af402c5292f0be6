import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  DatasetColumnSummary,
  DatasetProfileResponse,
  DatasetProfileSummaryResponse,
} from '@kaml-d/plugin-kaml-d-common';
import { configure, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { KamlDApi, kamlDApiRef } from '../../api';
import { financeTransactions } from '../__fixtures__/entities';
import { mockKamlDApi, responseError } from '../__fixtures__/kamlDApi';
import { DatasetProfileContent } from './DatasetProfileContent';

// jsdom lays nothing out, so recharts draws 0×0 charts: the tests read the charts' names and
// the tables screen readers get; the browser test checks the drawn axes
// states are awaited, with room for a loaded machine
configure({ asyncUtilTimeout: 10_000 });
jest.setTimeout(60_000);

const DATASET = { namespace: 'default', name: 'finance-transactions' };

const summaries: DatasetColumnSummary[] = [
  {
    column: 'transaction_id',
    type: 'VARCHAR',
    kind: 'other',
    rows: 400_000,
    nulls: 0,
    nullShare: 0,
    approxDistinct: 400_000,
    min: 'tx-0001',
    max: 'tx-9999',
  },
  {
    column: 'amount',
    type: 'DOUBLE',
    kind: 'numeric',
    rows: 400_000,
    nulls: 2_000,
    nullShare: 0.005,
    approxDistinct: 35_812,
    min: '0.5',
    max: '9999.99',
    mean: 87.254321,
    stddev: 310.5,
    p25: 9.99,
    p50: 24.5,
    p75: 61.25,
  },
  {
    column: 'booked_at',
    type: 'DATE',
    kind: 'temporal',
    rows: 400_000,
    nulls: 0,
    nullShare: 0,
    approxDistinct: 90,
    min: '2026-01-01',
    max: '2026-03-31',
  },
];

const base = {
  entityRef: 'dataset:default/finance-transactions',
  engine: 'duckdb',
  rows: 400_000,
  nulls: 0,
  nullShare: 0,
  min: null,
  max: null,
};

const profiles: Record<string, DatasetProfileResponse> = {
  transaction_id: {
    ...base,
    ...summaries[0],
    categorical: true,
    topValues: [{ value: 'tx-0001', count: 1 }],
  },
  amount: {
    ...base,
    ...summaries[1],
    categorical: false,
    topValues: [],
    histogram: [
      { lower: 0, upper: 2500, count: 390_000 },
      { lower: 2500, upper: 5000, count: 6_000 },
      { lower: 5000, upper: 7500, count: 1_500 },
      { lower: 7500, upper: 10000, count: 500 },
    ],
  },
  booked_at: {
    ...base,
    ...summaries[2],
    categorical: false,
    topValues: [],
    timeHistogram: {
      unit: 'month',
      bins: [
        { start: '2026-01', count: 130_000 },
        { start: '2026-02', count: 120_000 },
        { start: '2026-03', count: 150_000 },
      ],
    },
  },
};

/** A backend over `columns`: filters by name and pages as the route does. */
function summaryOf(columns: DatasetColumnSummary[]) {
  return jest.fn(
    async (
      _d: unknown,
      page: { offset: number; limit: number; search?: string },
    ): Promise<DatasetProfileSummaryResponse> => {
      const matching = page.search
        ? columns.filter(c =>
            c.column.toLowerCase().includes(page.search!.toLowerCase()),
          )
        : columns;
      return {
        entityRef: base.entityRef,
        engine: 'duckdb',
        totalColumns: columns.length,
        matchingColumns: matching.length,
        offset: page.offset,
        limit: page.limit,
        ...(page.search ? { search: page.search } : {}),
        columns: matching.slice(page.offset, page.offset + page.limit),
      };
    },
  );
}

async function render(kamlD: Partial<KamlDApi>) {
  return renderInTestApp(
    <EntityProvider entity={financeTransactions}>
      <DatasetProfileContent />
    </EntityProvider>,
    { apis: [[kamlDApiRef, mockKamlDApi(kamlD)]] },
  );
}

function summaryRow(column: string) {
  const row = screen.getByRole('button', { name: column }).closest('tr');
  if (!row) throw new Error(`no row for ${column}`);
  return within(row);
}

describe('Dataset Profile tab', () => {
  it('summarizes every column, numeric statistics only for numeric ones, and profiles the first', async () => {
    const getDatasetProfileSummary = summaryOf(summaries);
    const getDatasetProfile = jest.fn(
      async (_d: unknown, column: string) => profiles[column],
    );
    await render({ getDatasetProfileSummary, getDatasetProfile });
    expect(
      await screen.findByRole('table', { name: 'Columns (3)' }),
    ).toBeInTheDocument();
    const amount = summaryRow('amount');
    for (const text of [
      'DOUBLE',
      '0.5%',
      '35,812',
      '87.25',
      '310.5',
      '9.99',
      '24.5',
      '61.25',
    ]) {
      expect(amount.getByText(text)).toBeInTheDocument();
    }
    // a text column has no mean or quartiles
    // the column, its type, nulls, distinct, min, max, then the five numeric figures
    expect(summaryRow('transaction_id').getAllByRole('cell')).toHaveLength(11);
    expect(
      summaryRow('transaction_id')
        .getAllByRole('cell')
        .slice(6)
        .map(c => c.textContent),
    ).toEqual(['', '', '', '', '']);
    expect(getDatasetProfileSummary).toHaveBeenCalledWith(DATASET, {
      offset: 0,
      limit: 25,
    });
    // the first column's detail: a categorical column with its top values
    expect(
      await screen.findByText('transaction_id (VARCHAR)'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('list', { name: 'Top values of transaction_id' }),
    ).toBeInTheDocument();
  });

  it('shows a numeric column with mean and quartiles, a histogram with labelled axes and no top values', async () => {
    await render({
      getDatasetProfileSummary: summaryOf(summaries),
      getDatasetProfile: async (_d, column) => profiles[column],
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'amount' }),
    );
    const card = within(
      (await screen.findByText('amount (DOUBLE)')).closest(
        '.MuiCard-root',
      ) as HTMLElement,
    );
    for (const [label, value] of [
      ['Mean', '87.25'],
      ['Standard deviation', '310.5'],
      ['25th percentile', '9.99'],
      ['Median', '24.5'],
      ['75th percentile', '61.25'],
    ]) {
      expect(card.getByText(label).nextSibling).toHaveTextContent(value);
    }
    expect(screen.queryByText('Top values')).not.toBeInTheDocument();
    const figure = screen.getByRole('figure', { name: 'Histogram of amount' });
    const bars = within(figure).getByRole('table', {
      name: 'Histogram of amount: rows per bar',
    });
    expect(
      within(bars)
        .getAllByRole('columnheader')
        .map(h => h.textContent),
    ).toEqual(['amount', 'Rows']);
    expect(
      within(bars)
        .getAllByRole('row')
        .slice(1)
        .map(r => r.textContent),
    ).toEqual([
      '0 to 2,500390,000',
      '2,500 to 5,0006,000',
      '5,000 to 7,5001,500',
      '7,500 to 10,000 (inclusive)500',
    ]);
    expect(
      screen.getByRole('button', { name: 'amount', pressed: true }),
    ).toBeInTheDocument();
  });

  it('charts a date column by month', async () => {
    await render({
      getDatasetProfileSummary: summaryOf(summaries),
      getDatasetProfile: async (_d, column) => profiles[column],
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'booked_at' }),
    );
    const figure = await screen.findByRole('figure', {
      name: 'Rows of booked_at per month',
    });
    const table = within(figure).getByRole('table');
    expect(
      within(table)
        .getAllByRole('row')
        .map(r => r.textContent),
    ).toEqual([
      'booked_at (month)Rows',
      '2026-01130,000',
      '2026-02120,000',
      '2026-03150,000',
    ]);
  });

  it('pages and searches the columns of a 1,000-column table', async () => {
    const wide = Array.from({ length: 1000 }, (_, i) => ({
      ...summaries[1],
      column: `c_${i}`,
    }));
    const getDatasetProfileSummary = summaryOf(wide);
    await render({
      getDatasetProfileSummary,
      getDatasetProfile: async (_d, column) => ({
        ...profiles.amount,
        column,
      }),
    });
    expect(
      await screen.findByRole('table', { name: 'Columns (1,000)' }),
    ).toBeInTheDocument();
    expect(screen.getByText('1-25 of 1000')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(
      await screen.findByRole('button', { name: 'c_25' }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'c_24' })).toBeNull();
    expect(getDatasetProfileSummary).toHaveBeenLastCalledWith(DATASET, {
      offset: 25,
      limit: 25,
    });

    await userEvent.type(screen.getByLabelText('Search columns'), 'c_99');
    expect(await screen.findByText('1-11 of 11')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'c_999' })).toBeInTheDocument();
    expect(getDatasetProfileSummary).toHaveBeenLastCalledWith(DATASET, {
      offset: 0,
      limit: 25,
      search: 'c_99',
    });

    await userEvent.clear(screen.getByLabelText('Search columns'));
    await userEvent.type(screen.getByLabelText('Search columns'), 'nope');
    expect(
      await screen.findByText('No column name contains “nope”.'),
    ).toBeInTheDocument();
  });

  it('explains when there are no columns to profile', async () => {
    await render({ getDatasetProfileSummary: summaryOf([]) });
    expect(
      await screen.findByText('No columns to profile'),
    ).toBeInTheDocument();
  });

  it('shows the engine error of a failed summary and of a failed column profile', async () => {
    const error = await responseError(
      400,
      'InputError',
      'Dataset has no column "transaction_id"',
    );
    await render({
      getDatasetProfileSummary: summaryOf(summaries),
      getDatasetProfile: async () => {
        throw error;
      },
    });
    expect(
      await screen.findByText(
        'Error: Could not profile transaction_id: Dataset has no column "transaction_id"',
      ),
    ).toBeInTheDocument();
  });

  it('shows the error when the columns cannot be summarized', async () => {
    await render({
      getDatasetProfileSummary: async () => {
        throw new Error('Failed to fetch');
      },
    });
    expect(
      await screen.findByText(
        'Error: Could not summarize the columns of Finance transactions: Failed to fetch',
      ),
    ).toBeInTheDocument();
  });
});
