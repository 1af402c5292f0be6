import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { StorageAdapter } from '../storage';
import { FileStorageAdapter } from './FileStorageAdapter';
import {
  summarizePrefixParallel,
  summarizePrefixSequential,
} from './summarize';

describe('FileStorageAdapter listings', () => {
  let root: string;
  const bucket = 'kaml-datasets';

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'kaml-file-listing-'));
    // more files in one folder than a listing stats in one go
    const big = join(root, bucket, 'big');
    mkdirSync(big, { recursive: true });
    for (let i = 0; i < 700; i++) {
      writeFileSync(
        join(big, `part-${String(i).padStart(4, '0')}.csv`),
        'x'.repeat(i % 7),
      );
    }
    for (let d = 0; d < 5; d++) {
      for (let p = 0; p < 3; p++) {
        const dir = join(root, bucket, `ds-${d}`, `p-${p}`);
        mkdirSync(dir, { recursive: true });
        for (let o = 0; o < 4; o++)
          writeFileSync(join(dir, `o-${o}.csv`), 'a,b\n');
      }
    }
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('lists every file of a large folder in key order with its size and time', async () => {
    const adapter = new FileStorageAdapter(root);
    const level = await adapter.listLevel(bucket, 'big/');
    expect(level.prefixes).toEqual([]);
    expect(level.objects).toHaveLength(700);
    expect(level.objects[0].key).toBe('big/part-0000.csv');
    expect(level.objects[699].key).toBe('big/part-0699.csv');
    expect(level.objects.map(o => o.size)).toEqual(
      Array.from({ length: 700 }, (_, i) => i % 7),
    );
    expect(level.objects.every(o => (o.lastModified?.getTime() ?? 0) > 0)).toBe(
      true,
    );
  });

  it('reads byte ranges, short at the end of a file, and refuses missing files', async () => {
    const adapter = new FileStorageAdapter(root);
    const text = async (stream: NodeJS.ReadableStream) => {
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(Buffer.from(chunk));
      return Buffer.concat(chunks).toString('utf8');
    };
    // part-0006.csv holds 'xxxxxx'; ds-0/p-0/o-0.csv holds 'a,b\n'
    expect(
      await text(
        await adapter.read(bucket, 'ds-0/p-0/o-0.csv', { start: 0, end: 1 }),
      ),
    ).toBe('a,');
    expect(
      await text(
        await adapter.read(bucket, 'ds-0/p-0/o-0.csv', { start: 2, end: 99 }),
      ),
    ).toBe('b\n');
    expect(
      await text(await adapter.read(bucket, 'big/part-0006.csv', { start: 4 })),
    ).toBe('xx');
    await expect(
      adapter.read(bucket, 'ds-0/p-0/missing.csv', { start: 0, end: 9 }),
    ).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(
      adapter.read(bucket, 'ds-0/p-0/missing.csv'),
    ).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });

  it('gives an empty listing for a missing folder', async () => {
    const adapter = new FileStorageAdapter(root);
    expect(await adapter.listLevel(bucket, 'nowhere/')).toEqual({
      objects: [],
      prefixes: [],
    });
  });

  it('summarises a bucket the same way in parallel and sequentially', async () => {
    const adapter = new FileStorageAdapter(root);
    const parallel = await summarizePrefixParallel(adapter, bucket, '', 4);
    const sequential = await summarizePrefixSequential(adapter, bucket, '');
    const bytes = Array.from({ length: 700 }, (_, i) => i % 7).reduce(
      (a, b) => a + b,
      0,
    );
    for (const summary of [parallel, sequential]) {
      expect(summary.objects).toBe(700 + 5 * 3 * 4);
      expect(summary.bytes).toBe(bytes + 5 * 3 * 4 * 4);
      expect(summary.childPrefixes).toBe(6);
    }
    expect(parallel.lastModified).toEqual(sequential.lastModified);
  });

  it('summarises a remote-style store by key ranges, with or without start-after support', async () => {
    const inner = new FileStorageAdapter(root);
    // sibling names sorting around each other, a folder-like name and an object at the root
    mkdirSync(join(root, bucket, 'ds-1-a'), { recursive: true });
    writeFileSync(join(root, bucket, 'ds-1-a', 'x.csv'), 'abc');
    writeFileSync(join(root, bucket, 'ds-1.csv'), 'top');
    try {
      const remote = (honoursStartAfter: boolean): StorageAdapter => ({
        type: 's3-like',
        listLevel: (b, p) => inner.listLevel(b, p),
        listRecursive: (b, p, o) =>
          inner.listRecursive(b, p, honoursStartAfter ? o : undefined),
        stat: (b, k) => inner.stat(b, k),
        read: (b, k, r) => inner.read(b, k, r),
        write: (b, k, body, o) => inner.write(b, k, body, o),
        check: () => inner.check(),
      });
      const expected = await summarizePrefixSequential(inner, bucket, '');
      expect(expected.objects).toBe(700 + 5 * 3 * 4 + 2);
      for (const honours of [true, false]) {
        for (const concurrency of [1, 2, 16]) {
          const summary = await summarizePrefixParallel(
            remote(honours),
            bucket,
            '',
            concurrency,
          );
          expect(summary.objects).toBe(expected.objects);
          expect(summary.bytes).toBe(expected.bytes);
          expect(summary.childPrefixes).toBe(7);
          expect(summary.lastModified).toEqual(expected.lastModified);
        }
      }
    } finally {
      rmSync(join(root, bucket, 'ds-1-a'), { recursive: true, force: true });
      rmSync(join(root, bucket, 'ds-1.csv'), { force: true });
    }
  });
});

describe('FileStorageAdapter links', () => {
  let root: string;
  const bucket = 'kaml-datasets';

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'kaml-file-link-'));
    mkdirSync(join(root, bucket, 'ds'), { recursive: true });
    writeFileSync(join(root, bucket, 'ds', 'a.csv'), 'id\n1\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('links a file under a new key with the same size, time and ETag', async () => {
    const adapter = new FileStorageAdapter(root);
    await adapter.link(bucket, 'ds/a.csv', 'frozen/ds/a.csv');
    const [a, frozen] = await Promise.all([
      adapter.stat(bucket, 'ds/a.csv'),
      adapter.stat(bucket, 'frozen/ds/a.csv'),
    ]);
    expect(frozen).toEqual({ ...a, key: 'frozen/ds/a.csv' });
    expect(statSync(join(root, bucket, 'frozen', 'ds', 'a.csv')).ino).toBe(
      statSync(join(root, bucket, 'ds', 'a.csv')).ino,
    );
  });

  it('puts a frozen file back over a replaced one: the ETag it had when frozen, no leftovers', async () => {
    const adapter = new FileStorageAdapter(root);
    await adapter.link(bucket, 'ds/a.csv', 'frozen/a.csv');
    const frozen = await adapter.stat(bucket, 'frozen/a.csv');
    // the dataset file is replaced by another one (as uploads do: write and rename)
    await new Promise(resolve => setTimeout(resolve, 5));
    await adapter.write(bucket, 'ds/a.csv', Readable.from(['id\n2\n']));
    expect((await adapter.stat(bucket, 'ds/a.csv'))?.etag).not.toBe(
      frozen!.etag,
    );

    await adapter.link(bucket, 'frozen/a.csv', 'ds/a.csv');
    expect(readFileSync(join(root, bucket, 'ds', 'a.csv'), 'utf8')).toBe(
      'id\n1\n',
    );
    expect((await adapter.stat(bucket, 'ds/a.csv'))?.etag).toBe(frozen!.etag);
    // again onto the same file: nothing changes, no temporary file is left in the folder
    await adapter.link(bucket, 'frozen/a.csv', 'ds/a.csv');
    expect(readdirSync(join(root, bucket, 'ds'))).toEqual(['a.csv']);
    expect((await adapter.stat(bucket, 'ds/a.csv'))?.etag).toBe(frozen!.etag);
  });
});
