export * from './types';
export {
  createRunsService,
  createRunsKubeReader,
  toRun,
  toDeployment,
} from './createRunsService';
export type { RunsKubeReader } from './createRunsService';
export { readRunsConfig } from './config';
