export { KamlDEntitiesProcessor } from './KamlDEntitiesProcessor';
export type { KamlDEntitiesProcessorOptions } from './KamlDEntitiesProcessor';
export {
  DatasetFactsProcessor,
  FACTS_MAX_AGE_MS,
} from './DatasetFactsProcessor';
export type { DatasetFactsProcessorOptions } from './DatasetFactsProcessor';
