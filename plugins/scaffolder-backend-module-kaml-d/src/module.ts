import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createKubeClient } from './kubernetes/client';
import { readKamlDKubernetesSettings } from './kubernetes/config';
import { KubeTarget } from './kubernetes/target';
import { createTrainingLaunchAction } from './actions/trainingLaunch';
import { createTrainingWaitAction } from './actions/trainingWait';
import { createModelDeployAction } from './actions/modelDeploy';
import { createModelWaitReadyAction } from './actions/modelWaitReady';
import { createModelRegisterVersionAction } from './actions/modelRegisterVersion';
import { createDatasetSnapshotAction } from './actions/datasetSnapshot';
import { createPublishLocalAction } from './actions/publishLocal';
import { readLocalProjectsRoot } from './actions/publishLocalConfig';
import { createDatasetRegisterAction } from './actions/datasetRegister';

/**
 * The KAML-D scaffolder actions: `kaml-d:training:launch`, `kaml-d:training:wait`,
 * `kaml-d:model:deploy`, `kaml-d:model:wait-ready`,
 * `kaml-d:model:register-version`, `kaml-d:dataset:register`, `kaml-d:dataset:snapshot` and
 * `kaml-d:publish:local`.
 * @public
 */
export const scaffolderModuleKamlD = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'kaml-d',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        catalog: catalogServiceRef,
        permissions: coreServices.permissions,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
      },
      async init({
        scaffolder,
        config,
        logger,
        catalog,
        permissions,
        discovery,
        auth,
      }) {
        const settings = readKamlDKubernetesSettings(config, { logger });
        const kubernetes: KubeTarget | undefined = settings && {
          client: createKubeClient(settings),
          trainingNamespace: settings.trainingNamespace,
          modelsNamespace: settings.modelsNamespace,
        };
        if (settings) {
          logger.info(
            `kaml-d:training and kaml-d:model actions reach Kubernetes through ${settings.description}`,
          );
        }
        if (!kubernetes) {
          logger.info(
            'kamlD.workloadCluster is not configured: the kaml-d:training and kaml-d:model actions will fail until it is',
          );
        }
        scaffolder.addActions(
          createTrainingLaunchAction({ kubernetes, catalog, permissions }),
          createTrainingWaitAction({ kubernetes }),
          createModelDeployAction({ kubernetes, permissions, catalog }),
          createModelWaitReadyAction({ kubernetes }),
          createModelRegisterVersionAction({ discovery, auth }),
          createDatasetSnapshotAction({ discovery, auth }),
          createDatasetRegisterAction({
            discovery,
            auth,
            catalog,
            permissions,
          }),
          createPublishLocalAction({ root: readLocalProjectsRoot(config) }),
        );
      },
    });
  },
});
