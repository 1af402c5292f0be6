import pLimit from 'p-limit';

/** Maps `items` through `fn` with at most `limit` calls in flight; results keep their order. */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const gate = pLimit(limit);
  return Promise.all(items.map((item, index) => gate(() => fn(item, index))));
}
