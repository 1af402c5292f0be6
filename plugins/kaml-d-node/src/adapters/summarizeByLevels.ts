import pLimit from 'p-limit';
import { StorageAdapter } from '../storage';
import { ensureFolder } from './keys';
import { countObject, emptySummary, PrefixSummary } from './prefixSummary';

/** A local store's prefix (a directory) walked level by level, fanning out over every sub-folder. */
export async function summarizeByLevels(
  adapter: StorageAdapter,
  bucket: string,
  prefix: string,
  concurrency: number,
): Promise<PrefixSummary> {
  const limit = pLimit(concurrency);
  const total = emptySummary(0);
  const root = ensureFolder(prefix);

  const visit = async (levelPrefix: string): Promise<void> => {
    const level = await limit(() => adapter.listLevel(bucket, levelPrefix));
    total.listCalls++;
    if (levelPrefix === root) total.childPrefixes = level.prefixes.length;
    for (const object of level.objects) countObject(total, object);
    await Promise.all(level.prefixes.map(visit));
  };
  await visit(root);
  return total;
}
