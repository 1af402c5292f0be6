import { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { SearchResultSet } from '@backstage/plugin-search-common';
import { searchApiRef } from '@backstage/plugin-search-react';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ReactElement } from 'react';
import { KamlDApi, kamlDApiRef } from '../../api';
import { catalogEntities, financeTransactions } from '../__fixtures__/entities';
import {
  mockKamlDApi,
  pending,
  queryResult,
  responseError,
} from '../__fixtures__/kamlDApi';
import { StorageLine } from './StorageLine';
import { UploadDialog } from './UploadDialog';
import { WorkbenchSearch } from './WorkbenchSearch';

type CatalogMock = Parameters<typeof catalogApiMock.mock>[0];

// dialogs and tables of Material UI render slowly on a busy machine
jest.setTimeout(20_000);

async function render(
  element: ReactElement,
  options: {
    kamlD?: Partial<KamlDApi>;
    catalog?: CatalogMock;
    entities?: Entity[];
    search?: () => Promise<SearchResultSet>;
  } = {},
) {
  return renderInTestApp(element, {
    apis: [
      [kamlDApiRef, mockKamlDApi(options.kamlD)],
      options.catalog
        ? [catalogApiRef, catalogApiMock.mock(options.catalog)]
        : [
            catalogApiRef,
            catalogApiMock({ entities: options.entities ?? catalogEntities }),
          ],
      [
        searchApiRef,
        { query: options.search ?? (async () => ({ results: [] })) },
      ],
    ],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
  });
}

const discovered: Entity = {
  ...financeTransactions,
  metadata: {
    ...financeTransactions.metadata,
    name: 'sensor-readings',
    title: 'Sensor readings',
    description: 'Uploaded from the Workbench',
    tags: ['iot'],
    annotations: {
      'kaml-d.io/last-modified': '2026-03-01T09:30:00.000Z',
      'kaml-d.io/size-bytes': '2048',
    },
  },
  spec: {
    owner: 'user:default/guest',
    lifecycle: 'experimental',
    format: 'csv',
    location: 's3://kaml-datasets/sensor-readings/',
  },
};

describe('Workbench storage line', () => {
  it('says how many datasets, how many bytes and how full', async () => {
    await render(<StorageLine />);
    expect(
      await screen.findByText('Storage: 3 datasets, 61.3 MB, 6.1% of capacity'),
    ).toBeInTheDocument();
  });

  it('says when no capacity is configured', async () => {
    await render(<StorageLine />, {
      kamlD: {
        getStorageSummary: async () => ({
          adapter: 'file',
          buckets: ['kaml-datasets'],
          datasets: 1,
          objects: 2,
          bytes: 1500,
          measuredAt: '2026-03-02T10:00:00.000Z',
        }),
      },
    });
    expect(
      await screen.findByText(
        'Storage: 1 dataset, 1.5 kB, no capacity configured',
      ),
    ).toBeInTheDocument();
  });

  it('says when storage is empty', async () => {
    await render(<StorageLine />, {
      kamlD: {
        getStorageSummary: async () => ({
          adapter: 'file',
          buckets: [],
          datasets: 0,
          objects: 0,
          bytes: 0,
          measuredAt: '2026-03-02T10:00:00.000Z',
        }),
      },
    });
    expect(
      await screen.findByText('Storage is empty: upload a dataset to start.'),
    ).toBeInTheDocument();
  });

  it('shows loading and errors', async () => {
    await render(<StorageLine />, {
      kamlD: { getStorageSummary: () => pending() },
    });
    expect(
      await screen.findByRole('progressbar', { name: 'Measuring storage' }),
    ).toBeInTheDocument();
  });

  it('shows why the summary is unavailable', async () => {
    const error = await responseError(
      503,
      'ServiceUnavailableError',
      'bucket kaml-datasets is unreachable',
    );
    await render(<StorageLine />, {
      kamlD: {
        getStorageSummary: async () => {
          throw error;
        },
      },
    });
    expect(
      await screen.findByText(
        'Storage summary unavailable: bucket kaml-datasets is unreachable',
      ),
    ).toBeInTheDocument();
  });
});

describe('Workbench upload dialog', () => {
  const csv = new File(
    ['sensor_id,temperature_kelvin\ns1,290.5\n'],
    'Sensor Readings.csv',
    {
      type: 'text/csv',
    },
  );

  async function fillAndSubmit() {
    await userEvent.upload(screen.getByLabelText('Files'), csv);
    expect(screen.getByText('Sensor Readings.csv')).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: /Name/ })).toHaveValue(
      'sensor-readings',
    );
    fireEvent.change(screen.getByRole('textbox', { name: 'Tags' }), {
      target: { value: 'iot, sensors' },
    });
    fireEvent.change(screen.getByRole('textbox', { name: 'Owner' }), {
      target: { value: 'group:default/data-science' },
    });
    await userEvent.click(screen.getByRole('button', { name: 'Upload' }));
  }

  it('uploads the files with the fields and links the new dataset once the catalog has it', async () => {
    const uploadDataset = jest.fn<
      ReturnType<KamlDApi['uploadDataset']>,
      Parameters<KamlDApi['uploadDataset']>
    >(async () => ({
      entityRef: 'dataset:default/sensor-readings',
      location: 's3://kaml-datasets/sensor-readings/',
      objects: [{ key: 'Sensor Readings.csv', size: 40 }],
      manifestKey: 'sensor-readings/catalog-info.yaml',
      registration: 'discovery',
    }));
    const onChanged = jest.fn();
    await render(
      <UploadDialog open onClose={() => {}} onChanged={onChanged} />,
      {
        kamlD: { uploadDataset },
        entities: [discovered],
      },
    );
    await fillAndSubmit();

    expect(
      await screen.findByText(/Uploaded 1 file \(40 B\) to/),
    ).toBeInTheDocument();
    expect(
      screen.getByText('s3://kaml-datasets/sensor-readings/'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'dataset:default/sensor-readings' }),
    ).toHaveAttribute('href', '/catalog/default/dataset/sensor-readings');
    expect(
      await screen.findByText('It is in the catalog now.'),
    ).toBeInTheDocument();
    expect(onChanged).toHaveBeenCalledTimes(2);
    expect(uploadDataset).toHaveBeenCalledWith({
      name: 'sensor-readings',
      files: [csv],
      format: undefined,
      owner: 'group:default/data-science',
      system: undefined,
      description: undefined,
      tags: ['iot', 'sensors'],
    });
  });

  it('says it waits while the catalog has not registered the dataset yet', async () => {
    await render(
      <UploadDialog open onClose={() => {}} onChanged={() => {}} />,
      {
        kamlD: {
          uploadDataset: async () => ({
            entityRef: 'dataset:default/sensor-readings',
            location: 's3://kaml-datasets/sensor-readings/',
            objects: [{ key: 'Sensor Readings.csv', size: 40 }],
            manifestKey: 'sensor-readings/catalog-info.yaml',
            registration: 'discovery',
          }),
        },
        entities: [],
      },
    );
    await fillAndSubmit();
    expect(
      await screen.findByText('Waiting for the catalog to register it…'),
    ).toBeInTheDocument();
  });

  it('shows what the server refused, and keeps the form for another try', async () => {
    const error = await responseError(
      409,
      'ConflictError',
      'Dataset "sensor-readings" already has a file "Sensor Readings.csv"; rename the file, nothing was overwritten.',
    );
    await render(
      <UploadDialog open onClose={() => {}} onChanged={() => {}} />,
      {
        kamlD: {
          uploadDataset: async () => {
            throw error;
          },
        },
      },
    );
    await fillAndSubmit();
    expect(
      await screen.findByText(
        'The upload was refused: Dataset "sensor-readings" already has a file "Sensor Readings.csv"; rename the file, nothing was overwritten.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Upload' })).toBeEnabled();
  });

  it('explains an invalid name before sending anything', async () => {
    await render(<UploadDialog open onClose={() => {}} onChanged={() => {}} />);
    await userEvent.upload(screen.getByLabelText('Files'), csv);
    const name = screen.getByRole('textbox', { name: /Name/ });
    fireEvent.change(name, { target: { value: 'Sensor Readings' } });
    expect(
      screen.getByText(
        'Use lowercase letters and digits with single - _ . between them, such as sales-2024.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Upload' })).toBeDisabled();
  });
});

describe('Workbench search box', () => {
  it('finds datasets by column name and links them', async () => {
    const query = jest.fn(async () => ({
      results: [
        {
          type: 'kaml-d-dataset',
          document: {
            title: 'Sensor readings',
            text: 'Columns: sensor_id, temperature_kelvin',
            location: '/catalog/default/dataset/sensor-readings',
          },
        },
        {
          type: 'software-catalog',
          document: {
            title: 'sensor-api',
            text: 'Reads sensors',
            location: '/catalog/default/component/sensor-api',
          },
        },
      ],
    }));
    await render(<WorkbenchSearch />, { search: query });
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Search datasets and the catalog' }),
      'temperature_kelvin{Enter}',
    );
    const results = await screen.findByRole('list', { name: 'Search results' });
    expect(
      within(results).getByRole('link', { name: 'Sensor readings' }),
    ).toHaveAttribute('href', '/catalog/default/dataset/sensor-readings');
    expect(within(results).getByText('Dataset')).toBeInTheDocument();
    expect(within(results).getByText('Catalog')).toBeInTheDocument();
    expect(
      within(results).getByText('Columns: sensor_id, temperature_kelvin'),
    ).toBeInTheDocument();
    expect(query).toHaveBeenCalledWith(
      expect.objectContaining({
        term: 'temperature_kelvin',
        types: ['kaml-d-dataset', 'software-catalog'],
      }),
    );
  });

  it('says when nothing is found', async () => {
    await render(<WorkbenchSearch />);
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Search datasets and the catalog' }),
      'nowhere{Enter}',
    );
    expect(
      await screen.findByText(
        'Nothing found for “nowhere”. Try a dataset name, a tag or a column name.',
      ),
    ).toBeInTheDocument();
  });

  it('says when the search fails', async () => {
    await render(<WorkbenchSearch />, {
      search: async () => {
        throw new Error('search index unavailable');
      },
    });
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Search datasets and the catalog' }),
      'sensor{Enter}',
    );
    expect(
      await screen.findByText('Search failed: search index unavailable'),
    ).toBeInTheDocument();
  });

  it('runs SQL in SQL mode and shows the result rows', async () => {
    const runQuery = jest.fn(async () => queryResult);
    await render(<WorkbenchSearch />, { kamlD: { runQuery } });
    await userEvent.click(screen.getByRole('button', { name: 'SQL mode' }));
    const sql =
      'SELECT merchant, count(*) AS frauds FROM "finance-transactions" GROUP BY 1';
    fireEvent.change(screen.getByRole('textbox', { name: 'SQL' }), {
      target: { value: sql },
    });
    await userEvent.click(screen.getByRole('button', { name: 'Run' }));
    expect(await screen.findByText('Query result: 2 rows')).toBeInTheDocument();
    expect(screen.getByText('Night Owl Electronics')).toBeInTheDocument();
    expect(screen.getByText('17')).toBeInTheDocument();
    expect(
      screen.getByText(/Read dataset:default\/finance-transactions/),
    ).toBeInTheDocument();
    expect(runQuery).toHaveBeenCalledWith(sql, 200);
  });

  it('shows the engine error when the query fails', async () => {
    const error = await responseError(
      400,
      'InputError',
      'Binder Error: Referenced column "merchnt" not found in FROM clause!',
    );
    await render(<WorkbenchSearch />, {
      kamlD: {
        runQuery: async () => {
          throw error;
        },
      },
    });
    await userEvent.click(screen.getByRole('button', { name: 'SQL mode' }));
    fireEvent.change(screen.getByRole('textbox', { name: 'SQL' }), {
      target: { value: 'SELECT merchnt FROM "finance-transactions"' },
    });
    await userEvent.click(screen.getByRole('button', { name: 'Run' }));
    expect(
      await screen.findByText(
        'The query failed: Binder Error: Referenced column "merchnt" not found in FROM clause!',
      ),
    ).toBeInTheDocument();
  });

  it('says when the query returns no rows, and shows progress while it runs', async () => {
    let finish: (value: typeof queryResult) => void = () => {};
    await render(<WorkbenchSearch />, {
      kamlD: {
        runQuery: () =>
          new Promise(resolve => {
            finish = resolve;
          }),
      },
    });
    await userEvent.click(screen.getByRole('button', { name: 'SQL mode' }));
    fireEvent.change(screen.getByRole('textbox', { name: 'SQL' }), {
      target: { value: 'SELECT * FROM "finance-transactions" WHERE false' },
    });
    await userEvent.click(screen.getByRole('button', { name: 'Run' }));
    expect(
      await screen.findByRole('progressbar', { name: 'Running the query' }),
    ).toBeInTheDocument();
    finish({ ...queryResult, rows: [] });
    expect(
      await screen.findByText('The query returned no rows.'),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(screen.getByText('Query result: 0 rows')).toBeInTheDocument(),
    );
  });
});
