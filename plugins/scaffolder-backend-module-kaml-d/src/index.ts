/**
 * KAML-D scaffolder actions: training Jobs and model deployments on Kubernetes.
 *
 * @packageDocumentation
 */
export { scaffolderModuleKamlD as default } from './module';
export { createTrainingLaunchAction } from './actions/trainingLaunch';
export { createTrainingWaitAction } from './actions/trainingWait';
export { createModelDeployAction } from './actions/modelDeploy';
export { createModelWaitReadyAction } from './actions/modelWaitReady';
export { createDatasetRegisterAction } from './actions/datasetRegister';
export { createPublishLocalAction } from './actions/publishLocal';
export {
  LocalProjectsUrlReader,
  localProjectsUrlReaderServiceFactory,
} from './actions/publishLocalUrlReader';
export { createKubeClient } from './kubernetes/client';
export {
  readKamlDKubernetesSettings,
  type KamlDKubernetesSettings,
} from './kubernetes/config';
export type { KubeTarget } from './kubernetes/target';
export type { KubeClient, AccessCheck, ObjectRef } from './kubernetes/types';
export { KubeApiError } from './kubernetes/types';
