export {
  createStorageService,
  SIGNED_DOWNLOAD_PATH,
  parseRange,
} from './createStorageService';
export { readStorageConfig } from '@kaml-d/plugin-kaml-d-node';
export type { StorageConfig } from '@kaml-d/plugin-kaml-d-node';
export { FileStorageAdapter } from '@kaml-d/plugin-kaml-d-node';
export { S3StorageAdapter } from '@kaml-d/plugin-kaml-d-node';
export { createLinkSigner, loadSigningSecret } from './signing';
export type { LinkSigner } from './signing';
export {
  summarizePrefixParallel,
  summarizePrefixSequential,
} from '@kaml-d/plugin-kaml-d-node';
export type { PrefixSummary } from '@kaml-d/plugin-kaml-d-node';
export {
  keyUnderPrefix,
  normaliseRelativeKey,
  ensureFolder,
  validateBucketName,
} from '@kaml-d/plugin-kaml-d-node';
export type { ObjectLocation, StorageService, SignedDownload } from './types';
