import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import { kamlDApi, kamlDGovernanceApi, kamlDNotebooksApi } from './apis';
import {
  datasetFormatCatalogFilter,
  modelFrameworkCatalogFilter,
} from './catalogFilters';
import { kamlDEntityCards } from './entityCards';
import { kamlDEntityContents } from './entityContents';
import { accessRequestsPage, auditPage, srePage, workbenchPage } from './pages';
import {
  accessRequestsRouteRef,
  auditRouteRef,
  rootRouteRef,
  sreRouteRef,
} from './routes';
import { kamlDSearchExtensions } from './searchExtensions';
import { kamlDTrainingRuntimeField } from './scaffolderFields';

/**
 * The KAML-D frontend plugin: the Workbench, dataset and model pages, health tabs.
 *
 * @public
 */
export const kamlDPlugin = createFrontendPlugin({
  pluginId: 'kaml-d',
  info: { packageJson: () => import('../package.json') },
  routes: {
    root: rootRouteRef,
    audit: auditRouteRef,
    accessRequests: accessRequestsRouteRef,
    sre: sreRouteRef,
  },
  extensions: [
    kamlDApi,
    kamlDGovernanceApi,
    kamlDNotebooksApi,
    workbenchPage,
    srePage,
    auditPage,
    accessRequestsPage,
    ...kamlDEntityCards,
    ...kamlDEntityContents,
    datasetFormatCatalogFilter,
    modelFrameworkCatalogFilter,
    ...kamlDSearchExtensions,
    kamlDTrainingRuntimeField,
  ],
});
