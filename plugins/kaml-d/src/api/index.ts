export { kamlDApiRef } from './KamlDApi';
export type {
  KamlDApi,
  CatalogProblem,
  DatasetName,
  DatasetUploadRequest,
} from './KamlDApi';
export { KamlDClient } from './KamlDClient';
