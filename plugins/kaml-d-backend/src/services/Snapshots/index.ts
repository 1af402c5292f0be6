export {
  createSnapshotsService,
  manifestDigest,
  SNAPSHOT_ID_PATTERN,
} from './createSnapshotsService';
export {
  DEFAULT_SNAPSHOT_COPY_CONCURRENCY,
  readSnapshotsConfig,
} from './config';
export type { SnapshotsConfig } from './config';
export { SNAPSHOT_ROOT } from './types';
export type { SnapshotsService } from './types';
