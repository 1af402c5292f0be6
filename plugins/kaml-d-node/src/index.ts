/**
 * Node library of KAML-D: the storage adapter and query engine interfaces, the extension points
 * through which backend modules add their own, and the built-in storage adapters (local
 * directory, S3 API) with key validation and prefix summaries, so every KAML-D backend module
 * (the backend plugin, discovery providers, collators) reads object storage the same way.
 *
 * @packageDocumentation
 */

export type {
  StorageAdapter,
  StorageByteRange,
  StorageCopyOptions,
  StorageFrozenObject,
  StorageListing,
  StorageObjectInfo,
  StorageWriteOptions,
} from './storage';
export type {
  ColumnInfo,
  ColumnKind,
  ColumnProfile,
  ColumnSummary,
  DatasetSource,
  GuardedStatement,
  HistogramBin,
  ObjectDatasetSource,
  ObjectDatasetSnapshotObject,
  ProfileOptions,
  QueryEngine,
  QueryLimits,
  QueryResult,
  TableDatasetSource,
  TabularFormat,
  TimeHistogram,
} from './query';
export {
  kamlDQueryEngineExtensionPoint,
  kamlDStorageExtensionPoint,
} from './extensions';
export type {
  KamlDQueryEngineExtensionPoint,
  KamlDStorageExtensionPoint,
} from './extensions';
export { KAML_D_DATASET_EVENTS_TOPIC } from './events';
export type { DatasetRescanEvent, DatasetUploadedEvent } from './events';
export {
  FileStorageAdapter,
  S3StorageAdapter,
  createS3Client,
  MAX_OBJECT_KEY_BYTES,
  ensureFolder,
  keyUnderPrefix,
  normaliseRelativeKey,
  validateBucketName,
  isHiddenDatasetFolder,
  hiddenFolderOf,
  summarizePrefixParallel,
  summarizePrefixSequential,
  readStorageConfig,
  DEFAULT_STORAGE_ADAPTER,
  DEFAULT_UPLOAD_BUCKET,
  DEFAULT_LIST_CONCURRENCY,
  DEFAULT_DOWNLOAD_LINK_TTL_SECONDS,
  DEFAULT_SUMMARY_CACHE_SECONDS,
  DEFAULT_FILE_ROOT_FOLDER,
  DEFAULT_MAX_UPLOAD_BYTES,
  DEFAULT_S3_REGION,
} from './adapters';
export type { PrefixSummary, S3StorageConfig, StorageConfig } from './adapters';
export {
  readKamlDClusterAccess,
  readKamlDObservedClusters,
  CLUSTER_NOT_CONFIGURED_MESSAGE,
  LEGACY_CLUSTER_ACCESS_WARNING,
  LEGACY_OBSERVED_CLUSTERS_WARNING,
} from './kubernetes/clusterAccess';
export type {
  KamlDClusterAccess,
  KamlDClusterAccessEnvironment,
  KamlDClusterSource,
  KamlDObservedCluster,
} from './kubernetes/clusterAccess';
export {
  DEFAULT_MODELS_NAMESPACE,
  DEFAULT_TRAINING_NAMESPACE,
  readKamlDClusterOptions,
} from './kubernetes/pluginClusters';
export type { KamlDClusterOptions } from './kubernetes/pluginClusters';
export {
  buildKamlDKubeConfig,
  buildKamlDPodKubeConfig,
  SERVICE_ACCOUNT_DIR,
} from './kubernetes/kubeConfig';
export type { KamlDClusterConnection } from './kubernetes/kubeConfig';
export {
  bindingHolders,
  bindingOf,
  canonicalLocation,
  checkDatasetBinding,
  createBindingHolderCache,
  DATASET_BINDING_PRECEDENCE,
  formatCanonicalLocation,
  isTrustedOrigin,
  KAML_D_OBJECT_STORE_PROVIDER_TYPE,
  KAML_D_TRINO_PROVIDER_TYPE,
  locationsOverlap,
  originLocationRef,
  readDatasetBindingPolicy,
} from './bindings';
export type {
  BindingStorage,
  CanonicalLocation,
  DatasetBinding,
  DatasetBindingDecision,
  DatasetBindingHolder,
  DatasetBindingMapping,
  DatasetBindingPolicy,
  DatasetBindingSource,
  DiscoveryBindingRoot,
} from './bindings';
export { quoteIdent, quoteLiteral, quoteQualified } from './sql';
