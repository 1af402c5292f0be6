// Scratch buckets of the dataset-snapshot bench: the objects' keys and bodies, seeding (straight
// to MinIO, not through the counting proxy) and removal of every version at the end.
import type { Client } from 'minio';

/** Sizes of the mixed dataset, in KiB, taken in turn (mean 64 KiB). */
export const MIX_KIB = [16, 32, 48, 64, 96, 128];
export const mixBytes = (i: number) => MIX_KIB[i % MIX_KIB.length] * 1024;

export function readingKeys(objects: number): string[] {
  return Array.from(
    { length: objects },
    (_, i) =>
      `readings/part-${String(Math.floor(i / 1000)).padStart(
        2,
        '0',
      )}/obj-${String(i).padStart(5, '0')}.csv`,
  );
}

export const shardKeys = (keys: string[]) =>
  keys.map((key, i) =>
    key
      .replace('readings/', 'shards/')
      .replace(/\.csv$/, i % 2 ? '.jpg' : '.parquet'),
  );

/** A CSV object of `bytes` bytes. */
export function csv(i: number, bytes: number): Buffer {
  let body = 'id,station,reading,note\n';
  let row = 0;
  while (body.length < bytes)
    body += `${i * 1000 + row++},${i % 97},${(row * 1.37).toFixed(2)},sample\n`;
  return Buffer.from(body.slice(0, bytes));
}

/** Runs fn over items with `width` calls in flight. */
export async function inParallel<T>(
  items: T[],
  width: number,
  fn: (item: T) => Promise<void>,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

export async function seed(
  client: Client,
  buckets: string[],
  keys: string[],
  bodyOf: (i: number) => Buffer,
) {
  const started = performance.now();
  await inParallel(
    keys.map((key, i) => ({ key, i })),
    64,
    async ({ key, i }) => {
      const body = bodyOf(i);
      for (const bucket of buckets)
        await client.putObject(bucket, key, body, body.length);
    },
  );
  console.log(
    `seeded ${keys.length} objects into ${buckets.join(' and ')} in ${(
      (performance.now() - started) /
      1000
    ).toFixed(1)} s`,
  );
}

/** Deletes every object version and delete marker listed; returns how many there were. */
async function deleteEverything(
  client: Client,
  bucket: string,
): Promise<number> {
  const entries: Array<{ name: string; versionId?: string }> = [];
  // the client's own version stream sends its next key marker unescaped (refused past 1000 versions)
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  for (;;) {
    const page = await client.listObjectsQuery(bucket, '', '', {
      Delimiter: '',
      MaxKeys: 1000,
      IncludeVersion: true,
      ...(keyMarker ? { keyMarker: encodeURIComponent(keyMarker) } : {}),
      ...(versionIdMarker
        ? { versionIdMarker: encodeURIComponent(versionIdMarker) }
        : {}),
    });
    for (const item of page.objects as Array<{
      name?: string;
      versionId?: string;
    }>) {
      if (item.name)
        entries.push({
          name: item.name,
          versionId: item.versionId ?? undefined,
        });
    }
    if (!page.isTruncated || !page.keyMarker) break;
    keyMarker = decodeURIComponent(page.keyMarker);
    versionIdMarker = page.versionIdMarker
      ? decodeURIComponent(page.versionIdMarker)
      : undefined;
  }
  for (let i = 0; i < entries.length; i += 1000)
    await client.removeObjects(bucket, entries.slice(i, i + 1000));
  return entries.length;
}

export async function dropBucket(client: Client, bucket: string) {
  if (!(await client.bucketExists(bucket))) return;
  // again until empty: a listing of versions may end before every delete marker was seen
  for (let round = 0; round < 5; round++) {
    if ((await deleteEverything(client, bucket)) === 0) break;
  }
  await client.removeBucket(bucket);
}
