export {
  normaliseRelativeKey,
  keyUnderPrefix,
  ensureFolder,
  validateBucketName,
  isHiddenDatasetFolder,
  hiddenFolderOf,
  MAX_OBJECT_KEY_BYTES,
} from './keys';
export { FileStorageAdapter } from './FileStorageAdapter';
export { S3StorageAdapter, createS3Client } from './S3StorageAdapter';
export {
  summarizePrefixParallel,
  summarizePrefixSequential,
} from './summarize';
export type { PrefixSummary } from './summarize';
export * from './config';
