import pLimit from 'p-limit';

/**
 * Runs `fn` over `items` with at most `width` calls in flight (p-limit). After a failure no new
 * call starts, and the first error is thrown only once the calls in flight have ended, so a
 * caller cleaning up after it sees every object that was written.
 */
export async function forEachLimited<T>(
  items: T[],
  width: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  const gate = pLimit(width);
  let failure: { error: unknown } | undefined;
  await Promise.all(
    items.map((item, index) =>
      gate(async () => {
        if (failure) return;
        try {
          await fn(item, index);
        } catch (error) {
          failure ??= { error };
        }
      }),
    ),
  );
  if (failure) throw failure.error;
}
