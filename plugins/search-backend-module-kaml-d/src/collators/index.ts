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
