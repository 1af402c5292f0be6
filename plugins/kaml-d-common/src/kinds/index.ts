export { KAML_D_API_VERSION, DATASET_KIND, MODEL_KIND } from './constants';
export {
  DATASET_FORMATS,
  TABULAR_DATASET_FORMATS,
  COLUMN_CLASSIFICATIONS,
  DATASET_LOCATION_SCHEMES,
  datasetEntityV1alpha1Schema,
  datasetEntityV1alpha1Validator,
  isDatasetEntity,
} from './DatasetEntityV1alpha1';
export type {
  DatasetEntityV1alpha1,
  DatasetEntityV1alpha1 as DatasetEntity,
  DatasetFormat,
  ColumnClassification,
  DatasetColumn,
  DatasetSize,
} from './DatasetEntityV1alpha1';
export {
  MODEL_FRAMEWORKS,
  modelEntityV1alpha1Schema,
  modelEntityV1alpha1Validator,
  isModelEntity,
} from './ModelEntityV1alpha1';
export type {
  ModelEntityV1alpha1,
  ModelEntityV1alpha1 as ModelEntity,
  ModelFramework,
  ModelArtifact,
  ModelServing,
  ModelNotebook,
} from './ModelEntityV1alpha1';
export {
  RELATION_TRAINED_ON,
  RELATION_TRAINING_DATA_OF,
  RELATION_SERVED_BY,
  RELATION_SERVES,
} from './relations';
