import { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ReactElement } from 'react';
import { KamlDApi, kamlDApiRef } from '../../api';
import { customerChurn, financeTransactions } from '../__fixtures__/entities';
import {
  financePreview,
  financeSchema,
  mockKamlDApi,
  pending,
  responseError,
} from '../__fixtures__/kamlDApi';
import { DatasetPreviewContent } from './DatasetPreviewContent';
import { DatasetSchemaContent } from './DatasetSchemaContent';

async function render(
  element: ReactElement,
  kamlD: Partial<KamlDApi>,
  entity: Entity = financeTransactions,
) {
  return renderInTestApp(
    <EntityProvider entity={entity}>{element}</EntityProvider>,
    {
      apis: [[kamlDApiRef, mockKamlDApi(kamlD)]],
    },
  );
}

function rowOf(text: string) {
  const row = screen.getByText(text).closest('tr');
  if (!row) throw new Error(`no row holds ${text}`);
  return within(row);
}

describe('Dataset Schema tab', () => {
  it('shows the engine columns and types with the declared classifications and descriptions', async () => {
    const getDatasetSchema = jest.fn(async () => financeSchema);
    await render(<DatasetSchemaContent />, { getDatasetSchema });
    expect(await screen.findByText('Schema (6 columns)')).toBeInTheDocument();
    expect(screen.getByText('Read by duckdb')).toBeInTheDocument();
    expect(rowOf('email').getByText('VARCHAR')).toBeInTheDocument();
    expect(
      rowOf('email').getByLabelText('classification: pii'),
    ).toHaveTextContent('PII');
    expect(rowOf('email').getByText('Card holder e-mail')).toBeInTheDocument();
    expect(rowOf('amount').getByText('DOUBLE')).toBeInTheDocument();
    expect(
      rowOf('amount').queryByLabelText(/classification/),
    ).not.toBeInTheDocument();
    // in the data, not declared
    expect(rowOf('booked_at').getByText('TIMESTAMP')).toBeInTheDocument();
    expect(getDatasetSchema).toHaveBeenCalledWith({
      namespace: 'default',
      name: 'finance-transactions',
    });
  });

  it('lists declared columns the data does not have', async () => {
    await render(
      <DatasetSchemaContent />,
      {
        getDatasetSchema: async () => ({
          entityRef: 'dataset:default/customer-churn',
          engine: 'duckdb',
          columns: [{ name: 'customer_id', type: 'VARCHAR' }],
        }),
      },
      customerChurn,
    );
    expect(await screen.findByText('Schema (1 columns)')).toBeInTheDocument();
    expect(
      rowOf('churned').getByText('Declared, not in the data'),
    ).toBeInTheDocument();
  });

  it('explains an empty schema', async () => {
    await render(
      <DatasetSchemaContent />,
      {
        getDatasetSchema: async () => ({
          entityRef: 'dataset:default/clickstream-events',
          engine: 'duckdb',
          columns: [],
        }),
      },
      { ...customerChurn, spec: { ...customerChurn.spec, schema: undefined } },
    );
    expect(await screen.findByText('No columns')).toBeInTheDocument();
  });

  it('shows progress, then the engine error', async () => {
    await render(<DatasetSchemaContent />, {
      getDatasetSchema: () => pending(),
    });
    expect(
      await screen.findByRole('progressbar', { name: 'Reading the schema' }),
    ).toBeInTheDocument();
  });

  it('shows the engine error', async () => {
    const error = await responseError(
      404,
      'NotFoundError',
      'No files under s3://kaml-datasets/finance-transactions/',
    );
    await render(<DatasetSchemaContent />, {
      getDatasetSchema: async () => {
        throw error;
      },
    });
    expect(
      await screen.findByText(
        'Error: Could not read the schema of Finance transactions: No files under s3://kaml-datasets/finance-transactions/',
      ),
    ).toBeInTheDocument();
  });
});

describe('Dataset Preview tab', () => {
  it('shows the first rows with column types, nulls marked, and reads more rows when asked', async () => {
    const getDatasetPreview = jest.fn(async (_d: unknown, limit?: number) => ({
      ...financePreview,
      limit: limit ?? 10,
    }));
    await render(<DatasetPreviewContent />, { getDatasetPreview });
    expect(await screen.findByText('First 2 rows')).toBeInTheDocument();
    expect(
      screen.getByText('Read by duckdb in 12 ms · more rows exist'),
    ).toBeInTheDocument();
    expect(rowOf('tx-0002').getByText('1899.99')).toBeInTheDocument();
    expect(rowOf('tx-0002').getByText('true')).toBeInTheDocument();
    expect(rowOf('tx-0002').getByText('null')).toBeInTheDocument();
    expect(rowOf('tx-0001').getByText('Corner Bakery')).toBeInTheDocument();
    expect(screen.getByText('DOUBLE')).toBeInTheDocument();
    expect(getDatasetPreview).toHaveBeenLastCalledWith(
      { namespace: 'default', name: 'finance-transactions' },
      10,
    );

    await userEvent.click(screen.getByLabelText('Rows'));
    const options = await screen.findAllByRole('option');
    expect(options.map(o => o.textContent)).toEqual(['10', '25', '50', '100']);
    await userEvent.click(screen.getByRole('option', { name: '50' }));
    expect(await screen.findByText('First 2 rows')).toBeInTheDocument();
    expect(getDatasetPreview).toHaveBeenLastCalledWith(
      { namespace: 'default', name: 'finance-transactions' },
      50,
    );
  });

  it('says when the dataset has no rows', async () => {
    await render(<DatasetPreviewContent />, {
      getDatasetPreview: async () => ({
        ...financePreview,
        rows: [],
        truncated: false,
      }),
    });
    expect(
      await screen.findByText('The dataset has no rows.'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Read by duckdb in 12 ms · all rows shown'),
    ).toBeInTheDocument();
  });

  it('shows progress while reading', async () => {
    await render(<DatasetPreviewContent />, {
      getDatasetPreview: () => pending(),
    });
    expect(
      await screen.findByRole('progressbar', {
        name: 'Reading the first rows',
      }),
    ).toBeInTheDocument();
  });

  it('shows why the preview was refused', async () => {
    const error = await responseError(
      403,
      'NotAllowedError',
      'Columns card_holder, email are classified pii; only the owners may preview them.',
    );
    await render(<DatasetPreviewContent />, {
      getDatasetPreview: async () => {
        throw error;
      },
    });
    expect(
      await screen.findByText(
        'Error: Could not preview Finance transactions: Columns card_holder, email are classified pii; only the owners may preview them.',
      ),
    ).toBeInTheDocument();
  });
});
