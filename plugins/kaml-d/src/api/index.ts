export { kamlDApiRef } from './KamlDApi';
export type {
  KamlDApi,
  CatalogProblem,
  DatasetName,
  DatasetUploadRequest,
  ObservedEntityName,
} from './KamlDApi';
export { KamlDClient } from './KamlDClient';
