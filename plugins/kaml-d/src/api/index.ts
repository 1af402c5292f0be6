export { kamlDApiRef } from './KamlDApi';
export type {
  KamlDApi,
  CatalogProblem,
  DatasetName,
  DatasetUploadRequest,
  ModelDeploymentSummary,
  ObservedEntityName,
} from './KamlDApi';
export { KamlDClient } from './KamlDClient';
