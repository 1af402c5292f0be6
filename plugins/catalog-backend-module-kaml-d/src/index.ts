/**
 * The KAML-D catalog module: the Dataset and Model kinds (validation and ML lineage
 * relations) for the Backstage catalog, and dataset discovery in object storage and Trino.
 *
 * @packageDocumentation
 */

export { catalogModuleKamlD as default } from './module';
export { KamlDEntitiesProcessor } from './processor';
export type { KamlDEntitiesProcessorOptions } from './processor';
export * from './providers';
export { formatOfKey, formatOfObjects, isDataKey } from './discovery';
export {
  measureMedia,
  DEFAULT_MEDIA_HEAD_BYTES,
  DEFAULT_MEDIA_SAMPLE_FILES,
} from './media';
export type { MeasureMediaOptions } from './media';
