export * from './types';
export { createRunsService } from './createRunsService';
export { createRunsKubeReader, RUN_CUSTOM_RESOURCES } from './kubeReader';
export { toRun } from './jobRows';
export { toDeployment, toOperatorRun, toInferenceService } from './rows';
export type { RunsKubeReader, CustomResource } from './kubeReader';
