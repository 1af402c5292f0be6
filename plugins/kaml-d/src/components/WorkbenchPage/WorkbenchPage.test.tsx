import {
  mockApis,
  renderInTestApp as renderInTestAppWith,
  TestApiPair,
} from '@backstage/frontend-test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { searchApiRef } from '@backstage/plugin-search-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HealthResponse } from '@kaml-d/plugin-kaml-d-common';
import { ReactElement } from 'react';
import { kamlDApiRef, KamlDApi } from '../../api';
import { catalogEntities } from '../__fixtures__/entities';
import { mockKamlDApi } from '../__fixtures__/kamlDApi';
import { FreshPermissionCache } from '../__testUtils__/permissions';
import { WorkbenchPage } from './WorkbenchPage';

function apiReturning(
  getHealth: KamlDApi['getHealth'],
  getCatalogProblems: KamlDApi['getCatalogProblems'] = async () => [],
) {
  return [
    kamlDApiRef,
    mockKamlDApi({ getHealth, getCatalogProblems }),
  ] as const;
}

/** The Workbench with the catalog's fixtures and an empty search index around it. */
function renderInTestApp(
  element: ReactElement,
  options: {
    apis: readonly [TestApiPair<KamlDApi>];
    /** The user's permission decisions (all allowed by default). */
    decision?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
  },
) {
  return renderInTestAppWith(
    <FreshPermissionCache>{element}</FreshPermissionCache>,
    {
      apis: [
        ...options.apis,
        [
          permissionApiRef,
          mockApis.permission({
            authorize: options.decision ?? AuthorizeResult.ALLOW,
          }),
        ],
        [catalogApiRef, catalogApiMock({ entities: catalogEntities })],
        [searchApiRef, { query: async () => ({ results: [] }) }],
      ],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

// the whole page (search, tables, lists) renders slowly on a busy machine
jest.setTimeout(60_000);

describe('WorkbenchPage', () => {
  it('shows each platform dependency with its state', async () => {
    const report: HealthResponse = {
      status: 'degraded',
      version: '0.1.0',
      dependencies: [
        { name: 'database', kind: 'pg', status: 'up' },
        {
          name: 'storage',
          kind: 's3',
          status: 'down',
          message: 'connect ECONNREFUSED',
        },
      ],
    };
    await renderInTestApp(<WorkbenchPage />, {
      apis: [apiReturning(async () => report)],
    });
    expect(
      await screen.findByText('Platform status: degraded'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Datasets and platform health'),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('button', { name: /Upload dataset/ }),
    ).toBeEnabled();
    expect(
      await screen.findByText('Storage: 3 folders, 61.3 MB, 6.1% of capacity'),
    ).toBeInTheDocument();
    expect(await screen.findByText('Datasets (4 of 4)')).toBeInTheDocument();
    expect(
      screen.getByRole('textbox', { name: 'Search datasets and the catalog' }),
    ).toBeInTheDocument();
    expect(screen.getByText('database')).toBeInTheDocument();
    expect(screen.getByText('storage')).toBeInTheDocument();
    expect(screen.getByText('connect ECONNREFUSED')).toBeInTheDocument();
    expect(screen.getByText('down')).toBeInTheDocument();
  });

  it('disables Upload with the reason for a user without kaml-d.dataset.upload', async () => {
    await renderInTestApp(<WorkbenchPage />, {
      apis: [
        apiReturning(async () => ({
          status: 'ok',
          version: '0.1.0',
          dependencies: [],
        })),
      ],
      decision: AuthorizeResult.DENY,
    });
    const upload = () => screen.getByRole('button', { name: /Upload dataset/ });
    await waitFor(() =>
      expect(upload().parentElement).toHaveAttribute(
        'title',
        'Upload needs kaml-d.dataset.upload: none of your groups has a role that grants it',
      ),
    );
    expect(upload()).toBeDisabled();
    const rescan = screen.getByRole('button', { name: 'Rescan store' });
    await waitFor(() =>
      expect(rescan.parentElement).toHaveAttribute(
        'title',
        'Rescan datasets needs kaml-d.dataset.rescan: none of your groups has a role that grants it',
      ),
    );
    expect(rescan).toBeDisabled();
  });

  it('asks discovery to rescan every folder', async () => {
    const asked: Array<string | undefined> = [];
    await renderInTestApp(<WorkbenchPage />, {
      apis: [
        [
          kamlDApiRef,
          mockKamlDApi({
            getHealth: async () => ({
              status: 'ok',
              version: '0.1.0',
              dependencies: [],
            }),
            rescanDatasets: async entityRef => {
              asked.push(entityRef);
              return { scope: 'all', requestedAt: '2026-12-06T09:31:00.000Z' };
            },
          }),
        ],
      ],
    });
    const rescan = await screen.findByRole('button', { name: 'Rescan store' });
    await waitFor(() => expect(rescan).toBeEnabled());
    await userEvent.click(rescan);
    expect(
      await screen.findByText(/every dataset folder is read again/),
    ).toBeInTheDocument();
    expect(asked).toEqual([undefined]);
  });

  it('says all systems are up when they are', async () => {
    await renderInTestApp(<WorkbenchPage />, {
      apis: [
        apiReturning(async () => ({
          status: 'ok',
          version: '0.1.0',
          dependencies: [
            { name: 'database', kind: 'better-sqlite3', status: 'up' },
          ],
        })),
      ],
    });
    expect(
      await screen.findByText('Platform status: all systems up'),
    ).toBeInTheDocument();
  });

  it('explains when the backend cannot be reached', async () => {
    await renderInTestApp(<WorkbenchPage />, {
      apis: [
        apiReturning(async () => {
          throw new Error('Failed to fetch');
        }),
      ],
    });
    expect(
      await screen.findByText(/KAML-D backend unreachable/),
    ).toBeInTheDocument();
  });

  it('lists catalog files that failed processing with the error naming the field', async () => {
    await renderInTestApp(<WorkbenchPage />, {
      apis: [
        apiReturning(
          async () => ({ status: 'ok', version: '0.1.0', dependencies: [] }),
          async () => [
            {
              entityRef: 'dataset:default/invalid-dataset',
              kind: 'Dataset',
              location: 'file:/catalog/broken/invalid-dataset.yaml',
              messages: [
                'Invalid Dataset "invalid-dataset": /spec/format must be equal to one of the allowed values',
              ],
            },
          ],
        ),
      ],
    });
    expect(await screen.findByText('Catalog problems (1)')).toBeInTheDocument();
    expect(
      screen.getByText('dataset:default/invalid-dataset'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /\/spec\/format must be equal to one of the allowed values/,
      ),
    ).toBeInTheDocument();
  });

  it('says so when every catalog file was processed', async () => {
    await renderInTestApp(<WorkbenchPage />, {
      apis: [
        apiReturning(async () => ({
          status: 'ok',
          version: '0.1.0',
          dependencies: [],
        })),
      ],
    });
    expect(
      await screen.findByText(
        'Every catalog file was processed without errors.',
      ),
    ).toBeInTheDocument();
  });
});
