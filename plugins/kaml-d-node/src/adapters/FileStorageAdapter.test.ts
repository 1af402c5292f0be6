import { createHash } from 'node:crypto';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
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

describe('FileStorageAdapter frozen blobs', () => {
  let root: string;
  const bucket = 'kaml-datasets';
  const FOLDER = '.kaml-d-snapshots/blobs/';
  const live = () => join(root, bucket, 'ds', 'a.csv');
  const sha256 = (bytes: string | Buffer) =>
    createHash('sha256').update(bytes).digest('hex');

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'kaml-file-blob-'));
    mkdirSync(join(root, bucket, 'ds'), { recursive: true });
    writeFileSync(live(), 'id\n1\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** Rewrites a file in place: same inode, same size, other bytes. */
  function overwriteInPlace(path: string, bytes: string) {
    const fd = openSync(path, 'r+');
    try {
      writeSync(fd, bytes, 0);
    } finally {
      closeSync(fd);
    }
  }

  it('freezes a file into a read-only blob named by the sha256 of its bytes, with the source ETag', async () => {
    const adapter = new FileStorageAdapter(root);
    const source = await adapter.stat(bucket, 'ds/a.csv');
    const frozen = await adapter.freeze(bucket, 'ds/a.csv', FOLDER);
    expect(frozen).toEqual({
      storedKey: `${FOLDER}sha256/${sha256('id\n1\n').slice(0, 2)}/${sha256(
        'id\n1\n',
      )}.csv`,
      sha256: sha256('id\n1\n'),
      size: 5,
      etag: source!.etag,
      lastModified: source!.lastModified,
    });
    const blob = adapter.localPath(bucket, frozen.storedKey);
    expect(sha256(readFileSync(blob))).toBe(frozen.sha256);
    expect(statSync(blob).ino).not.toBe(statSync(live()).ino);
    expect(statSync(blob).mode & 0o222).toBe(0);
    // no temporary file is left in the blob folder
    expect(readdirSync(join(root, bucket, FOLDER))).toEqual(['sha256']);
  });

  it('reuses the blob of bytes frozen before (another file, or the same file again)', async () => {
    const adapter = new FileStorageAdapter(root);
    writeFileSync(join(root, bucket, 'ds', 'copy.csv'), 'id\n1\n');
    const first = await adapter.freeze(bucket, 'ds/a.csv', FOLDER);
    const blobIno = statSync(adapter.localPath(bucket, first.storedKey)).ino;
    const again = await adapter.freeze(bucket, 'ds/a.csv', FOLDER);
    const other = await adapter.freeze(bucket, 'ds/copy.csv', FOLDER);
    expect(again.storedKey).toBe(first.storedKey);
    expect(other.storedKey).toBe(first.storedKey);
    expect(statSync(adapter.localPath(bucket, first.storedKey)).ino).toBe(
      blobIno,
    );
  });

  it('attack: a live file overwritten in place after a freeze leaves the blob unchanged', async () => {
    const adapter = new FileStorageAdapter(root);
    const frozen = await adapter.freeze(bucket, 'ds/a.csv', FOLDER);
    overwriteInPlace(live(), 'id\n9\n');
    expect(readFileSync(live(), 'utf8')).toBe('id\n9\n');
    const blob = adapter.localPath(bucket, frozen.storedKey);
    expect(readFileSync(blob, 'utf8')).toBe('id\n1\n');
    expect(sha256(readFileSync(blob))).toBe(frozen.sha256);
  });

  it('attack: a thawed file overwritten in place leaves the blob unchanged', async () => {
    const adapter = new FileStorageAdapter(root);
    const frozen = await adapter.freeze(bucket, 'ds/a.csv', FOLDER);
    await adapter.write(bucket, 'ds/a.csv', Readable.from(['id\n2\n']));
    await adapter.thaw(bucket, frozen.storedKey, 'ds/a.csv', {
      lastModified: frozen.lastModified,
    });
    expect(readFileSync(live(), 'utf8')).toBe('id\n1\n');
    const blob = adapter.localPath(bucket, frozen.storedKey);
    expect(statSync(live()).ino).not.toBe(statSync(blob).ino);
    // the restored file is a writable data file with the time the snapshot recorded
    expect(statSync(live()).mode & 0o200).toBe(0o200);
    expect(statSync(live()).mtime.getTime()).toBe(
      frozen.lastModified.getTime(),
    );
    overwriteInPlace(live(), 'id\n8\n');
    expect(readFileSync(blob, 'utf8')).toBe('id\n1\n');
    expect(sha256(readFileSync(blob))).toBe(frozen.sha256);
    // thawing again (onto the changed file) brings the bytes back, no temporary file left
    await adapter.thaw(bucket, frozen.storedKey, 'ds/a.csv');
    expect(readFileSync(live(), 'utf8')).toBe('id\n1\n');
    expect(readdirSync(join(root, bucket, 'ds'))).toEqual(['a.csv']);
  });

  it('keeps the name ending that tells engines the format and compression', async () => {
    const adapter = new FileStorageAdapter(root);
    writeFileSync(join(root, bucket, 'ds', 'part.2024.csv.gz'), 'x');
    writeFileSync(join(root, bucket, 'ds', 'README'), 'y');
    const gz = await adapter.freeze(bucket, 'ds/part.2024.csv.gz', FOLDER);
    const plain = await adapter.freeze(bucket, 'ds/README', FOLDER);
    expect(gz.storedKey.endsWith(`${sha256('x')}.csv.gz`)).toBe(true);
    expect(plain.storedKey.endsWith(`/${sha256('y')}`)).toBe(true);
  });

  it('has no link operation that could share a file between a snapshot and live data', () => {
    const adapter: StorageAdapter = new FileStorageAdapter(root);
    expect('link' in adapter).toBe(false);
  });
});
