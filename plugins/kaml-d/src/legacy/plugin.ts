import {
  createApiFactory,
  createPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { kamlDApiRef, KamlDClient } from '../api';
import { kamlDGovernanceApiRef } from '../api/GovernanceApi';
import { KamlDGovernanceClient } from '../api/GovernanceClient';
import { kamlDNotebooksApiRef } from '../api/NotebooksApi';
import { KamlDNotebooksClient } from '../api/NotebooksClient';
import {
  legacyAccessRequestsRouteRef,
  legacyAuditRouteRef,
  legacyRootRouteRef,
  legacySreRouteRef,
} from './routes';

/**
 * The KAML-D plugin for apps on the legacy frontend system (`@backstage/core-plugin-api`): the
 * same clients, pages, entity tabs and cards as the default export, which is the plugin for the
 * new frontend system.
 *
 * @public
 */
export const kamlDLegacyPlugin = createPlugin({
  id: 'kaml-d',
  apis: [
    createApiFactory({
      api: kamlDApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new KamlDClient({ discoveryApi, fetchApi }),
    }),
    createApiFactory({
      api: kamlDGovernanceApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new KamlDGovernanceClient({ discoveryApi, fetchApi }),
    }),
    createApiFactory({
      api: kamlDNotebooksApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new KamlDNotebooksClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    root: legacyRootRouteRef,
    sre: legacySreRouteRef,
    audit: legacyAuditRouteRef,
    accessRequests: legacyAccessRequestsRouteRef,
  },
});
