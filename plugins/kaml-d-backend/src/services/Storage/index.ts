export {
  createStorageService,
  SIGNED_DOWNLOAD_PATH,
  parseRange,
} from './createStorageService';
export { readStorageConfig } from './config';
export type { StorageConfig } from './config';
export { FileStorageAdapter } from './FileStorageAdapter';
export { S3StorageAdapter } from './S3StorageAdapter';
export { createLinkSigner, loadSigningSecret } from './signing';
export type { LinkSigner } from './signing';
export {
  summarizePrefixParallel,
  summarizePrefixSequential,
} from './summarize';
export type { PrefixSummary } from './summarize';
export {
  keyUnderPrefix,
  normaliseRelativeKey,
  ensureFolder,
  validateBucketName,
} from './keys';
export type { ObjectLocation, StorageService, SignedDownload } from './types';
