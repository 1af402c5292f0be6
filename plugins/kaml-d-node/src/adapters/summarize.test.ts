import { StorageAdapter, StorageListing, StorageObjectInfo } from '../storage';
import {
  compareKeys,
  keyBetween,
  rangeListingPrefix,
  summarizePrefixParallel,
  summarizePrefixSequential,
} from './summarize';

/**
 * An object store in memory that answers like S3 (pages of at most 1000 keys in byte order,
 * delimiter listings with common prefixes). Every request waits until the test releases it, so a
 * test counts the rounds of requests a summary needs: its wall time on a store whose round trip
 * dominates.
 */
class MemoryStore implements StorageAdapter {
  readonly type = 's3-like';
  readonly listsAnyPrefix = true;
  private readonly keys: StorageObjectInfo[];
  readonly requests = { list: 0, level: 0, other: 0 };
  /** Keys returned by recursive listings (a key listed by two ranges counts twice). */
  keysListed = 0;
  /**
   * Keys below the prefix of each recursive listing from where it starts: what a store that walks
   * a listing's whole prefix ahead of the pages asked for (MinIO) walks.
   */
  keysWalkedAhead = 0;
  inFlight = 0;
  maxInFlight = 0;
  private pending: Array<() => void> = [];

  constructor(
    objects: Array<{ key: string; size: number; lastModified?: Date }>,
    private readonly honours = { startAfter: true, limit: true },
    /** Answer at once instead of waiting for {@link MemoryStore.release}. */
    private readonly immediate = false,
  ) {
    this.keys = [...objects].sort((a, b) => compareKeys(a.key, b.key));
  }

  private async request(kind: 'list' | 'level'): Promise<void> {
    this.requests[kind]++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    if (!this.immediate)
      await new Promise<void>(resolve => this.pending.push(resolve));
    this.inFlight--;
  }

  /** Answers every request sent so far; returns how many there were. */
  release(): number {
    const batch = this.pending.splice(0);
    batch.forEach(resolve => resolve());
    return batch.length;
  }

  /** Index of the first key after `startAfter` (if any) that is not before `prefix`. */
  private first(prefix: string, startAfter: string | undefined): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const key = this.keys[mid].key;
      const before =
        compareKeys(key, prefix) < 0 ||
        (startAfter !== undefined && compareKeys(key, startAfter) <= 0);
      if (before) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the first key from `from` on that does not start with `sub`. */
  private after(sub: string, from: number): number {
    let lo = from;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.keys[mid].key.startsWith(sub)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  async *listRecursive(
    _bucket: string,
    prefix: string,
    options?: { startAfter?: string },
  ): AsyncIterable<StorageObjectInfo> {
    let i = this.first(
      prefix,
      this.honours.startAfter ? options?.startAfter : undefined,
    );
    this.keysWalkedAhead += this.after(prefix, i) - i;
    for (;;) {
      await this.request('list');
      const page: StorageObjectInfo[] = [];
      while (
        i < this.keys.length &&
        page.length < 1000 &&
        this.keys[i].key.startsWith(prefix)
      ) {
        page.push(this.keys[i++]);
      }
      this.keysListed += page.length;
      yield* page;
      if (i >= this.keys.length || !this.keys[i].key.startsWith(prefix)) return;
    }
  }

  async listLevel(
    _bucket: string,
    prefix: string,
    options?: { startAfter?: string; limit?: number },
  ): Promise<StorageListing> {
    const limit = this.honours.limit ? options?.limit ?? Infinity : Infinity;
    const startAfter = this.honours.limit ? options?.startAfter : undefined;
    const listing: StorageListing = { objects: [], prefixes: [] };
    let i = this.first(prefix, startAfter);
    let inPage = 1000;
    while (i < this.keys.length) {
      const object = this.keys[i];
      if (!object.key.startsWith(prefix)) break;
      if (listing.objects.length + listing.prefixes.length >= limit) break;
      if (inPage === 1000) {
        await this.request('level');
        inPage = 0;
      }
      inPage++;
      const slash = object.key.indexOf('/', prefix.length);
      if (slash < 0) {
        listing.objects.push(object);
        i++;
      } else {
        const sub = object.key.slice(0, slash + 1);
        listing.prefixes.push(sub);
        i = this.after(sub, i);
      }
    }
    if (inPage === 1000) await this.request('level');
    return listing;
  }

  stat(): Promise<undefined> {
    this.requests.other++;
    throw new Error('no object is looked at one by one');
  }
  read(): never {
    this.requests.other++;
    throw new Error('no object is read');
  }
  write(): never {
    throw new Error('nothing is written');
  }
  async check() {}
}

/** Runs a summary on the store, releasing its requests round after round. */
async function inRounds<T>(store: MemoryStore, run: () => Promise<T>) {
  let done = false;
  let rounds = 0;
  const result = run().finally(() => {
    done = true;
  });
  while (!done) {
    await new Promise(resolve => setImmediate(resolve));
    if (store.release() > 0) rounds++;
  }
  return { rounds, summary: await result };
}

const day = (i: number) => new Date(Date.UTC(2025, 0, 1 + (i % 300)));

/** One dataset of 100 partitions × 1000 objects and 500 small ones of 3 × 20. */
function skewedBucket() {
  const objects: Array<{ key: string; size: number; lastModified: Date }> = [];
  for (let d = 0; d < 100; d++)
    for (let p = 0; p < 1000; p++)
      objects.push({
        key: `clickstream/dt=${String(d).padStart(3, '0')}/part-${String(
          p,
        ).padStart(5, '0')}.parquet`,
        size: (d * 7 + p) % 1000,
        lastModified: day(d + p),
      });
  for (let s = 0; s < 500; s++)
    for (let p = 0; p < 3; p++)
      for (let o = 0; o < 20; o++)
        objects.push({
          key: `ds-${String(s).padStart(4, '0')}/part-${p}/obj-${o}.csv`,
          size: s + o,
          lastModified: day(s * 3 + o),
        });
  return objects;
}

describe('summarizePrefixParallel on a remote store', () => {
  jest.setTimeout(60_000);

  it('lists a skewed bucket of 130,000 keys in a fraction of the sequential rounds, never per object', async () => {
    const objects = skewedBucket();
    const store = new MemoryStore(objects);
    const sequential = await inRounds(store, () =>
      summarizePrefixSequential(store, 'b', ''),
    );
    expect(sequential.rounds).toBe(130);

    const parallelStore = new MemoryStore(objects);
    const parallel = await inRounds(parallelStore, () =>
      summarizePrefixParallel(parallelStore, 'b', '', 16),
    );
    expect(parallel.summary).toEqual({
      ...sequential.summary,
      listCalls: parallel.summary.listCalls,
    });
    expect(parallel.summary).toMatchObject({
      objects: 130_000,
      childPrefixes: 501,
    });
    // the big dataset is split by its partitions: about 130 / 16 rounds plus a few to find them
    expect(parallel.rounds).toBeLessThanOrEqual(20);
    expect(parallelStore.maxInFlight).toBeLessThanOrEqual(16);
    // each range ends with a page that runs into the next one: some keys are listed twice
    expect(parallelStore.requests.list).toBeLessThanOrEqual(130 * 1.3);
    expect(parallelStore.keysListed).toBeLessThanOrEqual(130_000 * 1.3);
    // each range is listed under the prefix its bounds share, so a store that walks a listing's
    // prefix ahead (MinIO) walks 1.1M keys, not the 2.7M it walks under the bucket's root alone
    expect(store.keysWalkedAhead).toBe(130_000);
    expect(parallelStore.keysWalkedAhead).toBeLessThanOrEqual(1_200_000);
    expect(parallelStore.requests.other).toBe(0);
  });

  it('splits a folder of objects without sub-folders by key', async () => {
    const objects = Array.from({ length: 40_000 }, (_, i) => ({
      key: `logs/event-${String(i).padStart(6, '0')}.json`,
      size: i % 13,
    }));
    const store = new MemoryStore(objects);
    const { rounds, summary } = await inRounds(store, () =>
      summarizePrefixParallel(store, 'b', 'logs', 8),
    );
    expect(summary).toMatchObject({
      objects: 40_000,
      bytes: objects.reduce((sum, o) => sum + o.size, 0),
      childPrefixes: 0,
    });
    // 40 sequentially; keys are split only once 4 pages were counted in the folder, and halves
    // are guessed from the key characters, so a flat folder gains less than a partitioned one
    expect(rounds).toBeLessThanOrEqual(28);
    expect(store.maxInFlight).toBeLessThanOrEqual(8);
  });

  it('counts every key once whatever the names, and with stores that ignore start-after or limits', async () => {
    const names = [
      'ds-1',
      'ds-1.csv',
      'ds-1/',
      'ds-1/a.csv',
      'ds-1-a/x.csv',
      'ds-1/sub/b.csv',
      'ds-10/c.csv',
      'top.csv',
      '/odd.csv',
      'é/ü.csv',
      '\u{1F600}/face.csv',
      '\uE000/private.csv',
      'ds-2/ /space.csv',
    ];
    const objects = names.map((key, i) => ({
      key,
      size: i + 1,
      lastModified: day(i * 11),
    }));
    // and enough keys for ranges to be split
    for (let i = 0; i < 6000; i++)
      objects.push({
        key: `ds-${i % 3}/p-${i % 7}/o-${i}.csv`,
        size: 1,
        lastModified: day(i),
      });
    const expected = await summarizePrefixSequential(
      new MemoryStore(objects, undefined, true),
      'b',
      '',
    );
    expect(expected.objects).toBe(names.length + 6000);
    for (const honours of [
      { startAfter: true, limit: true },
      { startAfter: false, limit: true },
      { startAfter: true, limit: false },
      { startAfter: false, limit: false },
    ]) {
      for (const concurrency of [1, 2, 3, 16]) {
        const store = new MemoryStore(objects, honours);
        const { summary } = await inRounds(store, () =>
          summarizePrefixParallel(store, 'b', '', concurrency),
        );
        expect({ ...summary, listCalls: 0 }).toEqual({
          ...expected,
          listCalls: 0,
        });
      }
    }
  });

  it('summarises an empty prefix', async () => {
    const store = new MemoryStore([{ key: 'other/a.csv', size: 3 }]);
    const { summary } = await inRounds(store, () =>
      summarizePrefixParallel(store, 'b', 'missing/', 4),
    );
    expect(summary).toMatchObject({ objects: 0, bytes: 0, childPrefixes: 0 });
  });
});

describe('key order and split points', () => {
  it('lists a key range under the prefix its bounds share', () => {
    expect(rangeListingPrefix('', 'ds-0100/', 'ds-0200/', true)).toBe('ds-0');
    const inPartitions = [
      'clickstream/',
      'clickstream/dt=041/part-00500.parquet',
      'clickstream/dt=047/',
    ] as const;
    expect(rangeListingPrefix(...inPartitions, true)).toBe('clickstream/dt=04');
    // a store that lists folders only gets the deepest folder both bounds are in
    expect(rangeListingPrefix(...inPartitions, false)).toBe('clickstream/');
    expect(rangeListingPrefix('', 'ds-0100/', 'ds-0200/', false)).toBe('');
    expect(rangeListingPrefix('', 'a/b/c/d1', 'a/b/c/d9', false)).toBe(
      'a/b/c/',
    );
    // never shorter than the root, and the root for the last range (no upper bound)
    expect(rangeListingPrefix('raw/', 'raw/a/', 'raw/b/', true)).toBe('raw/');
    expect(rangeListingPrefix('raw/', 'raw/a/x', undefined, true)).toBe('raw/');
    // not between the halves of a surrogate pair: U+1F600 and U+1F601 share the high surrogate
    expect(rangeListingPrefix('', 'a\u{1F600}x', 'a\u{1F601}y', true)).toBe(
      'a',
    );
  });

  it('orders keys by code point like S3', () => {
    const sorted = ['a', 'a/', 'a0', 'b', 'é', '\uE000', '\u{1F600}'];
    expect([...sorted].reverse().sort(compareKeys)).toEqual(sorted);
    // JavaScript's own order puts the astral character before U+E000
    expect(['\u{1F600}', '\uE000'].sort()).toEqual(['\u{1F600}', '\uE000']);
  });

  it('finds a key strictly between two keys, near the middle', () => {
    expect(keyBetween('logs/a', 'logs/z')).toMatch(/^logs\/m/);
    const between = keyBetween('logs/event-000100', 'logs/event-040000');
    expect(between! > 'logs/event-01').toBe(true);
    expect(between! < 'logs/event-03').toBe(true);
    expect(keyBetween('b', 'a')).toBeUndefined();
    expect(keyBetween('a', 'a')).toBeUndefined();
    const chars = 'ab-/.~ 0z\u00e9\uE000';
    let seed = 7;
    const random = () => {
      seed = (seed * 48271) % 2147483647;
      return seed;
    };
    const word = () =>
      Array.from(
        { length: 1 + (random() % 8) },
        () => chars[random() % chars.length],
      ).join('');
    const wrong: string[][] = [];
    let found = 0;
    for (let i = 0; i < 2000; i++) {
      const [lo, hi] = [word(), word()].sort(compareKeys);
      const mid = keyBetween(lo, hi);
      if (mid !== undefined) {
        found++;
        if (compareKeys(lo, mid) >= 0 || compareKeys(mid, hi) >= 0)
          wrong.push([lo, mid, hi]);
      }
    }
    expect(wrong).toEqual([]);
    expect(found).toBeGreaterThan(1500);
  });
});
