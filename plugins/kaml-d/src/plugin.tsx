import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import { kamlDApi } from './apis';
import {
  datasetFormatCatalogFilter,
  modelFrameworkCatalogFilter,
} from './catalogFilters';
import { kamlDEntityCards } from './entityCards';
import { kamlDEntityContents } from './entityContents';
import { srePage, workbenchPage } from './pages';
import { rootRouteRef } from './routes';

/**
 * The KAML-D frontend plugin: the Workbench, dataset and model pages, health tabs.
 *
 * @public
 */
export const kamlDPlugin = createFrontendPlugin({
  pluginId: 'kaml-d',
  info: { packageJson: () => import('../package.json') },
  routes: { root: rootRouteRef },
  extensions: [
    kamlDApi,
    workbenchPage,
    srePage,
    ...kamlDEntityCards,
    ...kamlDEntityContents,
    datasetFormatCatalogFilter,
    modelFrameworkCatalogFilter,
  ],
});
