/**
 * Runs `fn` over `items` with at most `width` calls in flight. After a failure no new call
 * starts, and the first error is thrown only once the calls in flight have ended, so a caller
 * cleaning up after it sees every object that was written.
 */
export async function forEachLimited<T>(
  items: T[],
  width: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const workers = Array.from(
    { length: Math.min(width, items.length) },
    async () => {
      while (!failed && next < items.length) {
        const i = next++;
        try {
          await fn(items[i], i);
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    },
  );
  const results = await Promise.allSettled(workers);
  const failure = results.find(
    (r): r is PromiseRejectedResult => r.status === 'rejected',
  );
  if (failure) throw failure.reason;
}
