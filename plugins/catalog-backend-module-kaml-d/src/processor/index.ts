export { KamlDEntitiesProcessor } from './KamlDEntitiesProcessor';
export type { KamlDEntitiesProcessorOptions } from './KamlDEntitiesProcessor';
export {
  DatasetFactsProcessor,
  FACTS_MAX_AGE_MS,
} from './DatasetFactsProcessor';
export type { DatasetFactsProcessorOptions } from './DatasetFactsProcessor';
export {
  DatasetSchemaProcessor,
  SCHEMA_MAX_AGE_MS,
} from './DatasetSchemaProcessor';
export type { DatasetSchemaProcessorOptions } from './DatasetSchemaProcessor';
export { createEngineSchemaClient } from './engineSchemaClient';
export type { EngineSchema, EngineSchemaReader } from './engineSchemaClient';
export {
  DatasetMediaProcessor,
  MEDIA_FACTS_MAX_AGE_MS,
} from './DatasetMediaProcessor';
export type { DatasetMediaProcessorOptions } from './DatasetMediaProcessor';
