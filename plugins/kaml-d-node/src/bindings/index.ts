export {
  canonicalLocation,
  formatCanonicalLocation,
  locationsOverlap,
} from './locations';
export type { BindingStorage, CanonicalLocation } from './locations';
export {
  KAML_D_OBJECT_STORE_PROVIDER_TYPE,
  KAML_D_TRINO_PROVIDER_TYPE,
  originLocationRef,
  readDatasetBindingPolicy,
} from './policy';
export type {
  DatasetBindingMapping,
  DatasetBindingPolicy,
  DiscoveryBindingRoot,
} from './policy';
export { bindingOf, DATASET_BINDING_PRECEDENCE, isTrustedOrigin } from './rule';
export type { DatasetBinding, DatasetBindingSource } from './rule';
export {
  bindingHolders,
  checkDatasetBinding,
  createBindingHolderCache,
} from './check';
export type { DatasetBindingDecision, DatasetBindingHolder } from './check';
