export {
  createDatasetsService,
  parseDatasetName,
} from './createDatasetsService';
export { createSchemaReader, SCHEMA_CACHE_SECONDS } from './schemaReader';
export type { SchemaReader, EngineSchema } from './schemaReader';
export type { DatasetsService, MultipartBody } from './types';
export { MANIFEST_NAME, parseUploadFields, formatOfFileName } from './upload';
export { sourceOf, isTabularFormat, parseTrinoLocation } from './sources';
export { createDatasetNameClaims, DATASET_CLAIMS_TABLE } from './nameClaims';
export type { DatasetNameClaims, DatasetClaim } from './nameClaims';
