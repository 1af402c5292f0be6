export { ObjectStoreDatasetProvider } from './ObjectStoreDatasetProvider';
export type {
  ObjectStoreDatasetProviderOptions,
  ObjectStoreScanResult,
} from './ObjectStoreDatasetProvider';
export { TrinoDatasetProvider, prestoRunner } from './TrinoDatasetProvider';
export type {
  TrinoDatasetProviderOptions,
  TrinoScanResult,
  TrinoStatementRunner,
} from './TrinoDatasetProvider';
export type { ObjectStoreProviderConfig, TrinoProviderConfig } from './config';
export {
  readTrinoProviderConfigs,
  readObjectStoreProviderConfigs,
} from './config';
export {
  ANNOTATION_KAML_D_LAST_MODIFIED,
  ANNOTATION_KAML_D_OBJECT_COUNT,
  ANNOTATION_KAML_D_SCHEMA_SOURCE,
  ANNOTATION_KAML_D_SIZE_BYTES,
} from './entities';
