export {
  createSnapshotsService,
  manifestDigest,
  SNAPSHOT_ID_PATTERN,
} from './createSnapshotsService';
export { SNAPSHOT_ROOT } from './types';
export type { SnapshotsService } from './types';
