// The scratch bucket of the metadata-prefix-summary-s3 benchmark: OBJECTS tiny objects in the
// shape of a data lake (one big date-partitioned dataset holding 40 % of the keys, many small
// datasets of 3 partitions × 100 objects), seeded once and reused by later runs. A complete seed
// is marked by a bucket tag holding the object count; a seed that was interrupted is resumed (the
// keys already there are listed and skipped).
import { Client } from 'minio';

export const TAG = 'kaml-bench-objects';

export interface BucketShape {
  bucket: string;
  objects: number;
  /** Top-level prefixes (datasets). */
  datasets: number;
  days: number;
  small: number;
  describe: string;
  keys(): Generator<{ key: string; size: number }>;
}

export function summaryBucketShape(objects: number): BucketShape {
  const days = Math.max(1, Math.round((objects * 0.4) / 1000));
  const small = Math.max(1, Math.round((objects - days * 1000) / 300));
  const total = days * 1000 + small * 300;
  return {
    bucket: `kaml-bench-summary-${total}`,
    objects: total,
    datasets: 1 + small,
    days,
    small,
    describe: `clickstream/dt=<day>/part-<n>.parquet: ${days} days × 1000 objects; ds-<n>/part-<p>/obj-<o>.csv: ${small} datasets × 3 × 100 objects`,
    *keys() {
      const start = Date.UTC(2024, 0, 1);
      for (let d = 0; d < days; d++) {
        const dt = new Date(start + d * 86_400_000).toISOString().slice(0, 10);
        for (let p = 0; p < 1000; p++)
          yield { key: `clickstream/dt=${dt}/part-${String(p).padStart(5, '0')}.parquet`, size: (d + p) % 17 };
      }
      for (let s = 0; s < small; s++)
        for (let p = 0; p < 3; p++)
          for (let o = 0; o < 100; o++)
            yield { key: `ds-${String(s).padStart(5, '0')}/part-${p}/obj-${String(o).padStart(3, '0')}.csv`, size: (s + o) % 17 };
    },
  };
}

async function seededCount(client: Client, bucket: string): Promise<number | undefined> {
  try {
    const tags = (await client.getBucketTagging(bucket)) as Array<{ Key: string; Value: string }>;
    const tag = tags.find(t => t.Key === TAG);
    return tag ? Number(tag.Value) : undefined;
  } catch {
    return undefined;
  }
}

/** Creates and fills the bucket unless a complete seed of that shape is there; returns what it did. */
export async function ensureSummaryBucket(client: Client, shape: BucketShape, concurrency = 64): Promise<string> {
  const { bucket } = shape;
  if (await client.bucketExists(bucket)) {
    if ((await seededCount(client, bucket)) === shape.objects)
      return `reusing bucket ${bucket} (${shape.objects} objects, tagged ${TAG}=${shape.objects})`;
  } else {
    await client.makeBucket(bucket);
  }
  const started = performance.now();
  // an interrupted seed: the keys already there are skipped
  const existing = new Set<string>();
  for await (const item of client.listObjectsV2(bucket, '', true)) if (item.name) existing.add(item.name);
  if (existing.size) console.log(`  resuming: ${existing.size} objects already there (listed in ${((performance.now() - started) / 1000).toFixed(0)} s)`);
  const keys = shape.keys();
  let put = 0;
  let lastReport = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const next = keys.next();
        if (next.done) return;
        const { key, size } = next.value;
        if (existing.has(key)) continue;
        // MinIO answers 429 (SlowDown) when its request queue is full: wait and retry
        for (let attempt = 1; ; attempt++) {
          try {
            await client.putObject(bucket, key, Buffer.alloc(size, 97), size);
            break;
          } catch (error) {
            if (attempt >= 8) throw error;
            await new Promise(resolve => setTimeout(resolve, 250 * 2 ** attempt));
          }
        }
        put++;
        if (performance.now() - lastReport > 30_000) {
          lastReport = performance.now();
          const s = (lastReport - started) / 1000;
          console.log(`  seeding: ${put} put in ${s.toFixed(0)} s (${(put / s).toFixed(0)}/s)`);
        }
      }
    }),
  );
  await client.setBucketTagging(bucket, { [TAG]: String(shape.objects) });
  const seconds = (performance.now() - started) / 1000;
  return `seeded bucket ${bucket}: ${put} objects put (${existing.size} already there) in ${seconds.toFixed(1)} s, ${(put / seconds).toFixed(0)} PUT/s at ${concurrency} in flight`;
}

/** Removes every object of the bucket and the bucket. */
export async function dropSummaryBucket(client: Client, bucket: string): Promise<void> {
  let batch: string[] = [];
  for await (const item of client.listObjectsV2(bucket, '', true)) {
    if (item.name) batch.push(item.name);
    if (batch.length === 1000) {
      await client.removeObjects(bucket, batch);
      batch = [];
    }
  }
  if (batch.length) await client.removeObjects(bucket, batch);
  await client.removeBucket(bucket);
}
