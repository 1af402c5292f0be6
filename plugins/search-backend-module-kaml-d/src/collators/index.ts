export {
  DatasetCollatorFactory,
  datasetDocument,
  DATASET_DOCUMENT_TYPE,
  DEFAULT_COLLATOR_BATCH_SIZE,
} from './DatasetCollatorFactory';
export type {
  DatasetCollatorFactoryOptions,
  DatasetDocument,
} from './DatasetCollatorFactory';
export {
  ModelCollatorFactory,
  modelDocument,
  MODEL_DOCUMENT_TYPE,
} from './ModelCollatorFactory';
export type {
  ModelCollatorFactoryOptions,
  ModelDocument,
} from './ModelCollatorFactory';
export {
  CatalogKindsDecoratorFactory,
  CATALOG_DOCUMENT_TYPE,
  KAML_D_INDEXED_KINDS,
} from './CatalogKindsDecoratorFactory';
