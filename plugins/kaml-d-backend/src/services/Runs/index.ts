export * from './types';
export {
  createRunsService,
  createRunsKubeReader,
  toRun,
  toDeployment,
  toOperatorRun,
  toInferenceService,
  RUN_CUSTOM_RESOURCES,
} from './createRunsService';
export type { RunsKubeReader, CustomResource } from './createRunsService';
