import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { KamlDSearchResultItem } from './KamlDSearchResultItem';
import { hitSnippet, matchedColumns } from './searchHit';

const highlight = (columns: string) => ({
  preTag: '<>',
  postTag: '</>',
  fields: { columns },
});

describe('hitSnippet', () => {
  it('names the matched columns, at most three', () => {
    expect(
      matchedColumns({
        highlight: highlight('station_id varchar, <>temperature_c</> double'),
      }),
    ).toEqual(['temperature_c']);
    expect(
      hitSnippet({
        type: 'kaml-d-dataset',
        highlight: highlight(
          '<>a</>_x int, <>a</>_y int, <>a</>_z int, <>a</>_w int, b int',
        ),
        document: { text: 'ignored' },
      }),
    ).toBe('matched columns a_x, a_y, a_z and 1 more');
  });

  it('shows the first line of the text (the description) when no column matched', () => {
    expect(
      hitSnippet({
        type: 'kaml-d-dataset',
        highlight: {
          preTag: '<>',
          postTag: '</>',
          fields: { title: '<>w</>' },
        },
        document: { text: 'Hourly weather\nstation_id varchar\ntemp double' },
      }),
    ).toBe('Hourly weather');
  });
});

describe('KamlDSearchResultItem (the search page item of datasets and models)', () => {
  it('links the title, says the type and the matched column', async () => {
    await renderInTestApp(
      <KamlDSearchResultItem
        type="kaml-d-dataset"
        result={{
          title: 'weather-hourly',
          text: 'Hourly weather\nstation_id varchar\ntemperature_c double',
          location: '/catalog/default/dataset/weather-hourly',
        }}
        highlight={highlight('station_id varchar, <>temperature_c</> double')}
      />,
    );
    expect(
      screen.getByRole('link', { name: 'weather-hourly' }),
    ).toHaveAttribute('href', '/catalog/default/dataset/weather-hourly');
    expect(screen.getByText('Dataset')).toBeInTheDocument();
    expect(
      screen.getByText('matched column temperature_c'),
    ).toBeInTheDocument();
  });

  it('calls a model a Model', async () => {
    await renderInTestApp(
      <KamlDSearchResultItem
        type="kaml-d-model"
        result={{
          title: 'forecaster',
          text: 'Forecasts\npytorch forecasting',
          location: '/catalog/default/model/forecaster',
        }}
      />,
    );
    expect(screen.getByText('Model')).toBeInTheDocument();
    expect(screen.getByText('Forecasts')).toBeInTheDocument();
  });
});
