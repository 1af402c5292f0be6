import { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  CatalogApi,
  catalogApiRef,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useLocation, useNavigate } from 'react-router-dom';
import {
  catalogEntities,
  customerChurn,
  financeTransactions,
} from '../__fixtures__/entities';
import { pending } from '../__fixtures__/kamlDApi';
import { DatasetsPanel } from './DatasetsPanel';

// tables and menus of Material UI render slowly on a busy machine
jest.setTimeout(30_000);
configure({ asyncUtilTimeout: 5_000 });

/** The relations the catalog module emits from spec.owner and spec.system. */
function processed(entity: Entity): Entity {
  if (entity.kind !== 'Dataset') return entity;
  const spec = entity.spec as { owner: string; system?: string };
  const owner = spec.owner.includes(':')
    ? spec.owner
    : `group:default/${spec.owner}`;
  return {
    ...entity,
    relations: [
      { type: 'ownedBy', targetRef: owner },
      ...(spec.system
        ? [{ type: 'partOf', targetRef: `system:default/${spec.system}` }]
        : []),
    ],
  };
}

function discovered(name: string, modified: string, bytes: number): Entity {
  return processed({
    ...financeTransactions,
    metadata: {
      name,
      namespace: 'default',
      title: name.replace(/-/g, ' ').replace(/^./, c => c.toUpperCase()),
      description: 'Uploaded from the Workbench',
      tags: ['iot'],
      annotations: {
        'kaml-d.io/last-modified': modified,
        'kaml-d.io/size-bytes': String(bytes),
      },
    },
    spec: {
      owner: 'user:default/guest',
      lifecycle: 'experimental',
      format: 'csv',
      location: `s3://kaml-datasets/${name}/`,
    },
  });
}

const sensorReadings = discovered(
  'sensor-readings',
  '2026-03-01T09:30:00.000Z',
  2048,
);
const weatherStations = discovered(
  'weather-stations',
  '2025-12-24T18:00:00.000Z',
  9_000,
);
const fixtures = catalogEntities.map(processed);

/** The query string of the page, as the browser's address bar shows it. */
function AddressBar() {
  const location = useLocation();
  const navigate = useNavigate();
  return (
    <>
      <output aria-label="Address">{location.search}</output>
      <button type="button" onClick={() => navigate(-1)}>
        Browser back
      </button>
    </>
  );
}

async function render(
  options: { entities?: Entity[]; catalog?: CatalogApi; route?: string } = {},
) {
  const catalog =
    options.catalog ??
    catalogApiMock({ entities: options.entities ?? fixtures });
  const getEntities = jest.spyOn(catalog, 'getEntities');
  await renderInTestApp(
    <>
      <DatasetsPanel />
      <AddressBar />
    </>,
    {
      apis: [[catalogApiRef, catalog]],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      initialRouteEntries: options.route ? [options.route] : undefined,
    },
  );
  return { getEntities };
}

/** The names in the table, top to bottom. */
function shownNames(): string[] {
  const table = screen.getByRole('table', { name: 'Datasets' });
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map(row => within(row).getAllByRole('cell')[0].textContent ?? '');
}

const address = () => screen.getByRole('status', { name: 'Address' });

async function choose(label: string, option: string) {
  await userEvent.click(screen.getByLabelText(label));
  await userEvent.click(await screen.findByRole('option', { name: option }));
}

describe('Workbench datasets table', () => {
  it('lists a page of Dataset entities with modified time, summary, tags and size', async () => {
    const { getEntities } = await render({
      entities: [...fixtures, sensorReadings],
    });
    expect(await screen.findByText('Datasets (5 of 5)')).toBeInTheDocument();
    const finance = screen.getByRole('link', { name: 'Finance transactions' });
    expect(finance).toHaveAttribute(
      'href',
      '/catalog/default/dataset/finance-transactions',
    );
    expect(
      screen.getByText(
        'Card transactions with a fraud label, one CSV file per quarter.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('52.4 MB')).toBeInTheDocument();
    expect(screen.getByText('1 Mar 2026, 09:30 UTC')).toBeInTheDocument();
    expect(screen.getByText('2.0 kB')).toBeInTheDocument();
    expect(screen.getByText('iot')).toBeInTheDocument();
    expect(screen.getByText('1–5 of 5')).toBeInTheDocument();
    // models and other kinds are not datasets; sorted by name
    expect(shownNames()).toEqual([
      'Clickstream events',
      'Customer churn',
      'Finance transactions',
      'Fingerprint images',
      'Sensor readings',
    ]);
    // the catalog is never asked for every entity
    expect(getEntities).not.toHaveBeenCalled();
  });

  it('offers the tags, formats and owners the catalog counts', async () => {
    await render({ entities: [...fixtures, sensorReadings] });
    await screen.findByText('Datasets (5 of 5)');
    await userEvent.click(screen.getByLabelText('Owner'));
    const owners = await screen.findByRole('listbox');
    expect(
      within(owners)
        .getAllByRole('option')
        .map(o => o.textContent),
    ).toEqual(['Any', 'data-engineering', 'data-science', 'user:guest']);
    await userEvent.click(
      within(owners).getByRole('option', { name: 'user:guest' }),
    );
    expect(await screen.findByText('Datasets (1 of 5)')).toBeInTheDocument();
    expect(shownNames()).toEqual(['Sensor readings']);
    expect(address()).toHaveTextContent('?owner=user%3Aguest');

    await userEvent.click(screen.getByLabelText('Format'));
    expect(
      within(await screen.findByRole('listbox'))
        .getAllByRole('option')
        .map(o => o.textContent),
    ).toEqual(['Any', 'csv', 'images', 'jsonl']);
  });

  it('sorts by modified time on the server, datasets without one last', async () => {
    await render({ entities: [...fixtures, sensorReadings, weatherStations] });
    await screen.findByText('Datasets (6 of 6)');
    await userEvent.click(screen.getByRole('button', { name: 'Modified' }));
    await waitFor(() =>
      expect(shownNames().slice(0, 2)).toEqual([
        'Weather stations',
        'Sensor readings',
      ]),
    );
    expect(shownNames().slice(2)).toEqual([
      'Clickstream events',
      'Customer churn',
      'Finance transactions',
      'Fingerprint images',
    ]);
    expect(address()).toHaveTextContent('?sort=modified');

    await userEvent.click(screen.getByRole('button', { name: 'Modified' }));
    await waitFor(() =>
      expect(shownNames().slice(0, 2)).toEqual([
        'Sensor readings',
        'Weather stations',
      ]),
    );
    expect(shownNames()).toHaveLength(6);
    expect(address()).toHaveTextContent('?sort=modified&order=desc');
  });

  it('filters by project from the side list and by tag, in the URL', async () => {
    await render();
    await screen.findByText('Datasets (4 of 4)');
    const projects = screen.getByRole('navigation', { name: 'Projects' });
    expect(within(projects).getByText('4 datasets')).toBeInTheDocument();
    expect(within(projects).getByText('fraud-detection')).toBeInTheDocument();
    await userEvent.click(within(projects).getByText('biometrics'));
    expect(await screen.findByText('Datasets (1 of 4)')).toBeInTheDocument();
    expect(screen.getByText('Project: biometrics')).toBeInTheDocument();
    expect(shownNames()).toEqual(['Fingerprint images']);
    expect(address()).toHaveTextContent('?project=biometrics');

    await userEvent.click(within(projects).getByText('All projects'));
    await choose('Tag', 'churn');
    await waitFor(() =>
      expect(shownNames()).toEqual([customerChurn.metadata.title]),
    );
    expect(screen.getByText('Datasets (1 of 4)')).toBeInTheDocument();
    expect(address()).toHaveTextContent('?tag=churn');
  });

  it('opens a shared link with its filters and sort, and the back button returns', async () => {
    await render({
      entities: [...fixtures, sensorReadings, weatherStations],
      route: '/?format=csv&sort=name&order=desc',
    });
    expect(await screen.findByText('Datasets (4 of 6)')).toBeInTheDocument();
    expect(shownNames()).toEqual([
      'Weather stations',
      'Sensor readings',
      'Finance transactions',
      'Customer churn',
    ]);
    expect(screen.getByLabelText('Format')).toHaveTextContent('csv');

    await choose('Owner', 'user:guest');
    await waitFor(() => expect(shownNames()).toHaveLength(2));
    await userEvent.click(screen.getByRole('button', { name: 'Browser back' }));
    await waitFor(() => expect(shownNames()).toHaveLength(4));
    expect(address()).toHaveTextContent('?format=csv&sort=name&order=desc');
  });

  it('filters by part of the name', async () => {
    await render();
    await screen.findByText('Datasets (4 of 4)');
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Name contains' }),
      'finger',
    );
    expect(await screen.findByText('Datasets (1 of 4)')).toBeInTheDocument();
    expect(shownNames()).toEqual(['Fingerprint images']);
    expect(address()).toHaveTextContent('?q=finger');
  });

  it('pages through the datasets 25 at a time', async () => {
    const many = Array.from({ length: 30 }, (_, i) =>
      discovered(
        `ds-${String(i).padStart(2, '0')}`,
        '2026-01-01T00:00:00.000Z',
        i,
      ),
    );
    await render({ entities: many });
    expect(await screen.findByText('1–25 of 30')).toBeInTheDocument();
    expect(shownNames()).toHaveLength(25);
    expect(
      screen.getByRole('button', { name: 'Previous page' }),
    ).toBeDisabled();
    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByText('26–30 of 30')).toBeInTheDocument();
    expect(shownNames()).toEqual(['Ds 25', 'Ds 26', 'Ds 27', 'Ds 28', 'Ds 29']);
    expect(address()).toHaveTextContent('?page=2');
    expect(screen.getByRole('button', { name: 'Next page' })).toBeDisabled();
    // a new filter starts again on the first page
    await choose('Tag', 'iot');
    expect(await screen.findByText('1–25 of 30')).toBeInTheDocument();
    expect(address()).toHaveTextContent('?tag=iot');
  });

  it('says when no dataset matches the filters', async () => {
    await render();
    await screen.findByText('Datasets (4 of 4)');
    await userEvent.click(screen.getByText('biometrics'));
    await screen.findByText('Datasets (1 of 4)');
    await choose('Format', 'jsonl');
    expect(await screen.findByText('Datasets (0 of 4)')).toBeInTheDocument();
    expect(
      screen.getByText('No dataset matches these filters.'),
    ).toBeInTheDocument();
  });

  it('explains how to add datasets when the catalog has none', async () => {
    await render({ entities: [] });
    expect(await screen.findByText('No datasets yet')).toBeInTheDocument();
    expect(
      screen.getByText(/Upload files with the Upload dataset button/),
    ).toBeInTheDocument();
  });

  it('shows progress while the catalog answers, and asks for the choices after the rows', async () => {
    const getEntityFacets = jest.fn(() => pending<never>());
    await render({
      catalog: catalogApiMock.mock({
        queryEntities: () => pending(),
        getEntityFacets,
      }),
    });
    expect(
      await screen.findByRole('progressbar', {
        name: 'Loading from the catalog',
      }),
    ).toBeInTheDocument();
    expect(getEntityFacets).not.toHaveBeenCalled();
  });

  it('shows the catalog error', async () => {
    await render({
      catalog: catalogApiMock.mock({
        queryEntities: async () => {
          throw new Error('catalog is down');
        },
        getEntityFacets: async () => ({ facets: {} }),
      }),
    });
    expect(
      await screen.findByText(/Could not load the datasets from the catalog/),
    ).toBeInTheDocument();
  });
});
