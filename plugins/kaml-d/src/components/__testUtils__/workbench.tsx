import { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { SearchResultSet } from '@backstage/plugin-search-common';
import { searchApiRef } from '@backstage/plugin-search-react';
import { ReactElement } from 'react';
import { KamlDApi, kamlDApiRef } from '../../api';
import { catalogEntities } from '../__fixtures__/entities';
import { mockKamlDApi } from '../__fixtures__/kamlDApi';

/** What the mock catalog answers. */
export type CatalogMock = Parameters<typeof catalogApiMock.mock>[0];

/**
 * A Workbench part in the test app: the KAML-D API answering as given, the catalog's fixtures
 * (or `entities`, or a catalog mock) and a search API answering `search`.
 */
export async function renderWorkbenchPart(
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
