/**
 * Objects, bytes and the latest modification under a prefix.
 *
 * @public
 */
export interface PrefixSummary {
  objects: number;
  bytes: number;
  lastModified?: Date;
  /** Sub-prefixes directly below the summarised prefix (datasets, for a bucket root). */
  childPrefixes: number;
  /** Listing calls made (one per level and page group); never one per object. */
  listCalls: number;
}

/** A summary of nothing yet, `listCalls` already counted. */
export function emptySummary(listCalls: number): PrefixSummary {
  return { objects: 0, bytes: 0, childPrefixes: 0, listCalls };
}

function later(a: Date | undefined, b: Date | undefined): Date | undefined {
  if (!a) return b;
  if (!b) return a;
  return a.getTime() >= b.getTime() ? a : b;
}

/** Counts one listed object into the summary: its size and, if later, its modification. */
export function countObject(
  total: PrefixSummary,
  object: { size: number; lastModified?: Date },
): void {
  total.objects++;
  total.bytes += object.size;
  total.lastModified = later(total.lastModified, object.lastModified);
}
