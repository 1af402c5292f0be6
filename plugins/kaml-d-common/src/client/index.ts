export { KamlDBackendClient } from './KamlDBackendClient';
export type {
  KamlDBackendClientOptions,
  KamlDEntityName,
} from './KamlDBackendClient';
