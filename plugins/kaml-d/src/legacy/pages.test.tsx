import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { searchApiRef } from '@backstage/plugin-search-react';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import { KamlDApi, kamlDApiRef } from '../api';
import { catalogEntities } from '../components/__fixtures__/entities';
import { mockKamlDApi } from '../components/__fixtures__/kamlDApi';
import { FreshPermissionCache } from '../components/__testUtils__/permissions';
import { KamlDSrePage, KamlDWorkbenchPage } from './pages';

// lazy-loaded pages can take a while on a busy machine
const slow = { timeout: 10_000 };
jest.setTimeout(60_000);

const kamlD: Partial<KamlDApi> = {
  getHealth: async () => ({
    status: 'degraded',
    version: '0.1.0',
    dependencies: [
      {
        name: 'storage',
        kind: 's3',
        status: 'down',
        message: 'connect ECONNREFUSED',
      },
    ],
  }),
  getSreOverview: async () => ({
    configured: { kubernetes: true, prometheus: true },
    nodes: [],
    failingRuns: [],
    unhealthyEndpoints: [],
    alerts: [],
    errors: [],
    observedAt: '2026-11-26T05:00:00Z',
  }),
};

/**
 * A legacy app (`@backstage/core-app-api` under `@backstage/test-utils`) that mounts the pages
 * where its App.tsx would, on paths of its own choosing.
 */
function renderLegacyApp(path: string) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [kamlDApiRef, mockKamlDApi(kamlD)],
        [permissionApiRef, mockApis.permission()],
        [catalogApiRef, catalogApiMock({ entities: catalogEntities })],
        [searchApiRef, { query: async () => ({ results: [] }) }],
      ]}
    >
      <FreshPermissionCache>
        <Routes>
          <Route path="/ml/workbench" element={<KamlDWorkbenchPage />} />
          <Route path="/ml/platform-health" element={<KamlDSrePage />} />
        </Routes>
      </FreshPermissionCache>
    </TestApiProvider>,
    {
      routeEntries: [path],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

describe('KAML-D pages in a legacy app', () => {
  it('show the Workbench with its header and what the backend reports', async () => {
    await renderLegacyApp('/ml/workbench');
    expect(
      await screen.findByRole('heading', { name: 'Workbench' }, slow),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Datasets and platform health'),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('Platform status: degraded', {}, slow),
    ).toBeInTheDocument();
    expect(screen.getByText('connect ECONNREFUSED')).toBeInTheDocument();
  });

  it('link the SRE page to the Workbench where the app mounted it', async () => {
    await renderLegacyApp('/ml/platform-health');
    const storage = within(
      await screen.findByRole('table', { name: 'Storage capacity' }, slow),
    );
    const workbench = storage.getByRole('link', { name: 'kaml-datasets' });
    expect(workbench).toHaveAttribute(
      'href',
      expect.stringContaining('/ml/workbench'),
    );
    await userEvent.click(workbench);
    expect(
      await screen.findByRole('heading', { name: 'Workbench' }, slow),
    ).toBeInTheDocument();
  });
});
