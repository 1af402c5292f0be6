import { Config } from '@backstage/config';

/** Settings of the snapshots service (`kamlD.snapshots`). */
export interface SnapshotsConfig {
  /**
   * Objects copied, linked or restored at once by a snapshot or a restore. None of their bytes
   * pass through the backend (server-side CopyObject, hard links), so this can be far higher
   * than a transfer's.
   */
  copyConcurrency: number;
}

/**
 * Server-side copies in flight by default. On the rig's MinIO (2 shared cores, 10,000 objects of
 * 4 KiB) 64 copied about 1.5× faster than 16; 128 was a little faster again but drew HTTP 429
 * (MinIO's request limit) and retries. Figures: the `dataset-snapshot` row of bench/README.md.
 */
export const DEFAULT_SNAPSHOT_COPY_CONCURRENCY = 64;
/** Upper bound: above it a store sees a burst of requests rather than a faster snapshot. */
export const MAX_SNAPSHOT_COPY_CONCURRENCY = 1024;

/** Reads `kamlD.snapshots`; fails fast, naming the key, when a value is invalid. */
export function readSnapshotsConfig(root: Config): SnapshotsConfig {
  const value = root.getOptionalNumber('kamlD.snapshots.copyConcurrency');
  if (value === undefined) {
    return { copyConcurrency: DEFAULT_SNAPSHOT_COPY_CONCURRENCY };
  }
  if (
    !Number.isInteger(value) ||
    value < 1 ||
    value > MAX_SNAPSHOT_COPY_CONCURRENCY
  ) {
    throw new Error(
      `kamlD.snapshots.copyConcurrency must be a whole number from 1 to ${MAX_SNAPSHOT_COPY_CONCURRENCY}, got ${value}`,
    );
  }
  return { copyConcurrency: value };
}
