import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { queryResult, responseError } from '../__fixtures__/kamlDApi';
import { renderWorkbenchPart as render } from '../__testUtils__/workbench';
import { WorkbenchSearch } from './WorkbenchSearch';

// tables of Material UI render slowly on a busy machine
jest.setTimeout(20_000);

describe('Workbench search box', () => {
  it('finds datasets by column name and links them, saying which column matched', async () => {
    const query = jest.fn(async () => ({
      results: [
        {
          type: 'kaml-d-dataset',
          document: {
            title: 'Sensor readings',
            text: 'Readings per sensor\nsensor_id varchar\ntemperature_kelvin double',
            location: '/catalog/default/dataset/sensor-readings',
            columns: 'sensor_id varchar, temperature_kelvin double',
          },
          highlight: {
            preTag: '<mark>',
            postTag: '</mark>',
            fields: {
              columns:
                'sensor_id varchar, <mark>temperature</mark>_<mark>kelvin</mark> double',
            },
          },
        },
        {
          type: 'kaml-d-model',
          document: {
            title: 'kelvin-forecaster',
            text: 'Forecasts temperature\npytorch forecasting',
            location: '/catalog/default/model/kelvin-forecaster',
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
    expect(within(results).getByText('Model')).toBeInTheDocument();
    expect(within(results).getByText('Catalog')).toBeInTheDocument();
    // the matched column, not a dump of every column
    expect(
      within(results).getByText('matched column temperature_kelvin'),
    ).toBeInTheDocument();
    expect(within(results).queryByText(/sensor_id/)).not.toBeInTheDocument();
    // without a matched column: the description
    expect(
      within(results).getByText('Forecasts temperature'),
    ).toBeInTheDocument();
    expect(within(results).getAllByRole('listitem')).toHaveLength(3);
    expect(query).toHaveBeenCalledWith(
      expect.objectContaining({
        term: 'temperature_kelvin',
        types: ['kaml-d-dataset', 'kaml-d-model', 'software-catalog'],
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
