// The limit of a prefix summary on an S3 API: what the store can list, with no processing. Two
// raw ListObjectsV2 loops through the minio client (no KAML-D code), both only counting keys:
// - sequential: one recursive listing, page after page (1000 keys a page);
// - parallel: the sorted key set (known from the bucket's shape: an oracle no real client has)
//   cut into `width` equal key ranges, each listed with `start-after` under the longest prefix
//   its bounds share and pages no longer than what is left of the range, all in flight at once.
import type { Client } from 'minio';

export interface RawListing {
  keys: number;
  pages: number;
}

export async function rawSequential(
  client: Client,
  bucket: string,
): Promise<RawListing> {
  let keys = 0;
  let pages = 0;
  let token = '';
  for (;;) {
    const page = await client.listObjectsV2Query(
      bucket,
      '',
      token,
      '',
      1000,
      '',
    );
    pages++;
    keys += page.objects.length;
    if (!page.isTruncated) return { keys, pages };
    token = page.nextContinuationToken;
  }
}

const sharedStart = (a: string, b: string) => {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return a.slice(0, i);
};

/** Lists the keys after `after` up to and including `last`; returns how many. */
async function listRange(
  client: Client,
  bucket: string,
  after: string,
  last: string,
  count: number,
): Promise<RawListing> {
  const prefix = sharedStart(after, last);
  let keys = 0;
  let pages = 0;
  let token = '';
  while (keys < count) {
    const page = await client.listObjectsV2Query(
      bucket,
      prefix,
      token,
      '',
      Math.min(1000, count - keys),
      token ? '' : after,
    );
    pages++;
    keys += page.objects.length;
    if (!page.isTruncated || page.objects.length === 0) break;
    token = page.nextContinuationToken;
  }
  return { keys, pages };
}

export async function rawParallel(
  client: Client,
  bucket: string,
  sortedKeys: string[],
  width: number,
): Promise<RawListing> {
  const n = sortedKeys.length;
  const bounds = Array.from({ length: width + 1 }, (_, i) =>
    Math.round((i * n) / width),
  );
  const ranges = await Promise.all(
    bounds.slice(0, -1).map((from, i) => {
      const to = bounds[i + 1];
      // the first range starts at the bucket's start ('' lists from the first key)
      const after = from === 0 ? '' : sortedKeys[from - 1];
      return to > from
        ? listRange(client, bucket, after, sortedKeys[to - 1], to - from)
        : { keys: 0, pages: 0 };
    }),
  );
  return ranges.reduce(
    (a, b) => ({ keys: a.keys + b.keys, pages: a.pages + b.pages }),
    { keys: 0, pages: 0 },
  );
}
