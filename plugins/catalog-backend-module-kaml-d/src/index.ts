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
export {
  inferDelimitedSchema,
  inferJsonLinesSchema,
  inferObjectSchema,
  parseParquetFooter,
} from './discovery';
export type {
  InferredColumn,
  InferredSchema,
  ParquetFooter,
} from './discovery';
