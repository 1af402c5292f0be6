import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { DatasetsService } from '../services/Datasets';
import { ModelVersionsService } from '../services/ModelVersions';
import { ObservationService } from '../services/Observation';
import {
  registerDescribeDatasetAction,
  registerSearchDatasetsAction,
} from './datasetCatalog';
import { registerListModelVersionsAction } from './modelVersions';
import {
  registerPreviewDatasetAction,
  registerQueryDatasetsAction,
} from './rows';

/**
 * Registers KAML-D's actions (`kaml-d:search-datasets`, `describe-dataset`, `preview-dataset`,
 * `query-datasets`, `list-model-versions`) with Backstage's actions registry, from which the
 * MCP actions plugin serves them to AI assistants. Every action calls the service the matching
 * route calls, with the caller's credentials: same permissions, same refusals.
 */
export function registerKamlDActions(options: {
  actionsRegistry: ActionsRegistryService;
  catalog: CatalogService;
  datasets: DatasetsService;
  modelVersions: ModelVersionsService;
  observation: ObservationService;
}) {
  const { actionsRegistry, catalog, datasets } = options;
  registerSearchDatasetsAction({ actionsRegistry, catalog });
  registerDescribeDatasetAction({ actionsRegistry, catalog, datasets });
  registerPreviewDatasetAction({ actionsRegistry, datasets });
  registerQueryDatasetsAction({ actionsRegistry, datasets });
  registerListModelVersionsAction({
    actionsRegistry,
    modelVersions: options.modelVersions,
    observation: options.observation,
  });
}
