import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { DatasetSnapshot } from '@kaml-d/plugin-kaml-d-common';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ReactElement } from 'react';
import { KamlDApi, kamlDApiRef } from '../../api';
import { financeTransactions } from '../__fixtures__/entities';
import {
  amountProfile,
  financePreview,
  financeSchema,
  mockKamlDApi,
  responseError,
} from '../__fixtures__/kamlDApi';
import { DatasetPreviewContent } from './DatasetPreviewContent';
import { DatasetProfileContent } from './DatasetProfileContent';
import { DatasetSchemaContent } from './DatasetSchemaContent';

jest.setTimeout(20_000);

const DATASET = { namespace: 'default', name: 'finance-transactions' };

function snapshot(id: string, message: string): DatasetSnapshot {
  return {
    id,
    entityRef: 'dataset:default/finance-transactions',
    createdAt: '2026-11-26T07:01:02.000Z',
    createdBy: 'user:default/ada',
    message,
    method: 'hardlink',
    adapter: 'file',
    bucket: 'kaml-datasets',
    prefix: 'finance-transactions/',
    objectCount: 2,
    totalBytes: 1024,
    digest: 'sha256:00',
  };
}

const first = snapshot('snap-20261126t070102z-aaaaaa', 'before cleaning');
const second = snapshot('snap-20261126t080102z-bbbbbb', 'after cleaning');
const listed = async () => ({
  entityRef: 'dataset:default/finance-transactions',
  items: [second, first],
});

async function render(
  element: ReactElement,
  kamlD: Partial<KamlDApi>,
  route?: string,
) {
  return renderInTestApp(
    <EntityProvider entity={financeTransactions}>{element}</EntityProvider>,
    {
      apis: [[kamlDApiRef, mockKamlDApi(kamlD)]],
      initialRouteEntries: route ? [route] : undefined,
    },
  );
}

describe('Snapshot selector of the Schema, Preview and Profile tabs', () => {
  it('opens the preview at the snapshot the address names', async () => {
    const getDatasetPreview = jest.fn(async () => financePreview);
    await render(
      <DatasetPreviewContent />,
      { getDatasetPreview, listDatasetSnapshots: listed },
      `/preview?snapshot=${first.id}`,
    );
    expect(
      await screen.findByText(`First 2 rows at snapshot ${first.id}`),
    ).toBeInTheDocument();
    expect(getDatasetPreview).toHaveBeenCalledWith(DATASET, 10, first.id);
    expect(
      await screen.findByText(
        'Read from the snapshot, not from the files as they are now.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Snapshot')).toHaveTextContent(
      'before cleaning',
    );
  });

  it('re-reads the schema at the snapshot picked, and as it is now when Current is picked', async () => {
    const getDatasetSchema = jest.fn(async () => financeSchema);
    await render(<DatasetSchemaContent />, {
      getDatasetSchema,
      listDatasetSnapshots: listed,
    });
    expect(await screen.findByText('Schema (6 columns)')).toBeInTheDocument();
    expect(getDatasetSchema).toHaveBeenLastCalledWith(DATASET);

    await userEvent.click(await screen.findByLabelText('Snapshot'));
    const options = await screen.findAllByRole('option');
    expect(options.map(o => o.textContent)).toEqual([
      'Current (as it is now)',
      expect.stringContaining(`after cleaning (${second.id})`),
      expect.stringContaining(`before cleaning (${first.id})`),
    ]);
    await userEvent.click(options[2]);
    expect(
      await screen.findByText(`Schema (6 columns) at snapshot ${first.id}`),
    ).toBeInTheDocument();
    expect(getDatasetSchema).toHaveBeenLastCalledWith(DATASET, first.id);

    await userEvent.click(screen.getByLabelText('Snapshot'));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Current (as it is now)' }),
    );
    expect(await screen.findByText('Schema (6 columns)')).toBeInTheDocument();
    expect(getDatasetSchema).toHaveBeenLastCalledWith(DATASET);
  });

  it('summarizes and profiles the columns at the snapshot the address names', async () => {
    const getDatasetProfileSummary = jest.fn(async () => ({
      entityRef: 'dataset:default/finance-transactions',
      engine: 'duckdb',
      snapshot: second.id,
      totalColumns: 1,
      matchingColumns: 1,
      offset: 0,
      limit: 25,
      columns: [{ ...amountProfile, kind: 'numeric' as const }],
    }));
    const getDatasetProfile = jest.fn(async () => amountProfile);
    await render(
      <DatasetProfileContent />,
      {
        getDatasetProfileSummary,
        getDatasetProfile,
        listDatasetSnapshots: listed,
      },
      `/profile?snapshot=${second.id}`,
    );
    await waitFor(() =>
      expect(getDatasetProfile).toHaveBeenCalledWith(
        DATASET,
        'amount',
        second.id,
      ),
    );
    expect(getDatasetProfileSummary).toHaveBeenCalledWith(
      DATASET,
      { offset: 0, limit: 25 },
      second.id,
    );
  });

  it('offers no selector while the dataset has no snapshot', async () => {
    const listDatasetSnapshots = jest.fn(async () => ({
      entityRef: 'dataset:default/finance-transactions',
      items: [],
    }));
    await render(<DatasetPreviewContent />, {
      getDatasetPreview: async () => financePreview,
      listDatasetSnapshots,
    });
    expect(await screen.findByText('First 2 rows')).toBeInTheDocument();
    await waitFor(() => expect(listDatasetSnapshots).toHaveBeenCalled());
    expect(screen.queryByLabelText('Snapshot')).not.toBeInTheDocument();
  });

  it('says when the snapshot in the address does not exist, or the list cannot be read', async () => {
    const { unmount } = await render(
      <DatasetPreviewContent />,
      {
        getDatasetPreview: async () => {
          throw await responseError(
            404,
            'NotFoundError',
            'No snapshot snap-nope of dataset:default/finance-transactions',
          );
        },
        listDatasetSnapshots: listed,
      },
      '/preview?snapshot=snap-nope',
    );
    expect(
      await screen.findByText('No snapshot snap-nope in this dataset.'),
    ).toBeInTheDocument();
    expect(
      await screen.findByText(
        /Could not preview Finance transactions: No snapshot snap-nope of dataset/,
      ),
    ).toBeInTheDocument();
    unmount();

    await render(
      <DatasetPreviewContent />,
      {
        getDatasetPreview: async () => financePreview,
        listDatasetSnapshots: async () => {
          throw await responseError(500, 'Error', 'database is locked');
        },
      },
      '/preview?snapshot=snap-x',
    );
    expect(
      await screen.findByText(
        'Could not list the snapshots: database is locked',
      ),
    ).toBeInTheDocument();
  });
});
