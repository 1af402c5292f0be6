import { DuckDBInstance } from '@duckdb/node-api';
import {
  FileStorageAdapter,
  StorageAdapter,
  StorageByteRange,
} from '@kaml-d/plugin-kaml-d-node';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  formatOfObjects,
  inferDelimitedSchema,
  inferJsonLinesSchema,
  inferObjectSchema,
} from './inferSchema';
import { parseParquetFooter } from './parquetFooter';

/** The file adapter, recording every read so tests can assert only ranges were read. */
function recordingAdapter(root: string) {
  const inner = new FileStorageAdapter(root);
  const reads: Array<{ key: string; range?: StorageByteRange }> = [];
  const adapter: StorageAdapter = {
    type: inner.type,
    listLevel: (b, p) => inner.listLevel(b, p),
    listRecursive: (b, p) => inner.listRecursive(b, p),
    stat: (b, k) => inner.stat(b, k),
    read: (b, k, range) => {
      reads.push({ key: k, range });
      return inner.read(b, k, range);
    },
    write: (b, k, body, o) => inner.write(b, k, body, o),
    check: () => inner.check(),
  };
  return { adapter, reads };
}

describe('inferDelimitedSchema', () => {
  it('names columns from the header and types them from the complete lines after it', () => {
    const head =
      'id,"full name",amount,paid,day,at\n' +
      '1,"Doe, Jane",10,true,2024-01-02,2024-01-02T10:00:00Z\n' +
      '2,Bob,10.5,false,2024-01-03,2024-01-03 11:00:00\n' +
      '3,cut off in the midd';
    expect(inferDelimitedSchema(head).columns).toEqual([
      { name: 'id', type: 'bigint' },
      { name: 'full name', type: 'varchar' },
      { name: 'amount', type: 'double' },
      { name: 'paid', type: 'boolean' },
      { name: 'day', type: 'date' },
      { name: 'at', type: 'timestamp' },
    ]);
  });

  it('reads a header alone, a byte-order mark, CRLF and tabs', () => {
    expect(inferDelimitedSchema('\ufeffa\tb\r\n', '\t').columns).toEqual([
      { name: 'a', type: 'varchar' },
      { name: 'b', type: 'varchar' },
    ]);
    expect(inferDelimitedSchema('x,y', ',', true).columns).toEqual([
      { name: 'x', type: 'varchar' },
      { name: 'y', type: 'varchar' },
    ]);
  });

  it('widens mixed values and leaves empty files without columns', () => {
    expect(
      inferDelimitedSchema('n,m\n1,a\n2.5,3\n', ',', true).columns,
    ).toEqual([
      { name: 'n', type: 'double' },
      { name: 'm', type: 'varchar' },
    ]);
    expect(inferDelimitedSchema('').columns).toEqual([]);
  });
});

describe('inferJsonLinesSchema', () => {
  it('takes keys and value types from the first record only', () => {
    const head =
      '{"session":"s1","n":3,"score":0.5,"ok":true,"at":"2024-06-01T00:00:00Z","tags":["a"],"geo":{"c":"fr"}}\n{"other":1}\n';
    expect(inferJsonLinesSchema(head).columns).toEqual([
      { name: 'session', type: 'varchar' },
      { name: 'n', type: 'bigint' },
      { name: 'score', type: 'double' },
      { name: 'ok', type: 'boolean' },
      { name: 'at', type: 'timestamp' },
      { name: 'tags', type: 'array' },
      { name: 'geo', type: 'row' },
    ]);
  });

  it('gives no columns for a first line that is not an object', () => {
    expect(inferJsonLinesSchema('[1,2]\n').columns).toEqual([]);
  });
});

describe('formatOfObjects', () => {
  it('picks the most frequent recognised extension', () => {
    expect(formatOfObjects(['a/1.png', 'a/2.png', 'a/labels.csv'])).toBe(
      'images',
    );
    expect(formatOfObjects(['x.parquet', 'y.parquet'])).toBe('parquet');
    expect(formatOfObjects(['blob.bin'])).toBe('binary');
  });
});

describe('schemas of stored objects', () => {
  let root: string;
  const bucket = 'kaml-datasets';

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'kaml-infer-'));
    const dir = join(root, bucket, 'ds');
    mkdirSync(dir, { recursive: true });
    const rows = Array.from(
      { length: 20000 },
      (_, i) => `${i},name-${i},${i * 1.5}`,
    );
    writeFileSync(join(dir, 'big.csv'), `id,name,value\n${rows.join('\n')}\n`);
    writeFileSync(
      join(dir, 'events.jsonl'),
      `${'{"user":"u1","clicks":4}\n'.repeat(5000)}`,
    );
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run(
      `COPY (SELECT i::INTEGER AS id, 'v' || i AS label, (i * 0.5)::DOUBLE AS score, DATE '2024-01-01' + i::INTEGER AS day,
              TIMESTAMP '2024-01-01 00:00:00' + to_seconds(i) AS at, (i % 2 = 0) AS even,
              CAST(i AS DECIMAL(10,2)) AS price, [i, i + 1] AS pair, {'a': i} AS nested, i::BIGINT AS big
             FROM range(50000) t(i))
       TO '${join(dir, 'data.parquet')}' (FORMAT parquet)`,
    );
    connection.closeSync();
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  async function objectInfo(adapter: StorageAdapter, key: string) {
    const info = await adapter.stat(bucket, key);
    if (!info) throw new Error(`${key} is missing`);
    return info;
  }

  it('reads a Parquet footer with ranged reads of the end of the file', async () => {
    const { adapter, reads } = recordingAdapter(root);
    const info = await objectInfo(adapter, 'ds/data.parquet');
    const schema = await inferObjectSchema(adapter, bucket, info, 'parquet', {
      parquetTailBytes: 64,
    });
    expect(schema).toEqual({
      rows: 50000,
      columns: [
        { name: 'id', type: 'integer' },
        { name: 'label', type: 'varchar' },
        { name: 'score', type: 'double' },
        { name: 'day', type: 'date' },
        { name: 'at', type: 'timestamp' },
        { name: 'even', type: 'boolean' },
        { name: 'price', type: 'decimal(10,2)' },
        { name: 'pair', type: 'array' },
        { name: 'nested', type: 'row' },
        { name: 'big', type: 'bigint' },
      ],
    });
    // 64 bytes were too few for the footer: a second, exact ranged read; never the whole file
    expect(reads).toHaveLength(2);
    for (const read of reads) {
      expect(read.range?.start).toBeGreaterThan(0);
      expect(read.range?.end).toBe(info.size - 1);
    }
  });

  it('reads a CSV header from the first bytes only', async () => {
    const { adapter, reads } = recordingAdapter(root);
    const info = await objectInfo(adapter, 'ds/big.csv');
    const schema = await inferObjectSchema(adapter, bucket, info, 'csv', {
      headerBytes: 1024,
    });
    expect(schema?.columns).toEqual([
      { name: 'id', type: 'bigint' },
      { name: 'name', type: 'varchar' },
      { name: 'value', type: 'double' },
    ]);
    expect(reads).toEqual([
      { key: 'ds/big.csv', range: { start: 0, end: 1023 } },
    ]);
    expect(info.size).toBeGreaterThan(100 * 1024);
  });

  it('reads the first JSON line from the first bytes only', async () => {
    const { adapter, reads } = recordingAdapter(root);
    const info = await objectInfo(adapter, 'ds/events.jsonl');
    const schema = await inferObjectSchema(adapter, bucket, info, 'jsonl', {
      headerBytes: 512,
    });
    expect(schema?.columns).toEqual([
      { name: 'user', type: 'varchar' },
      { name: 'clicks', type: 'bigint' },
    ]);
    expect(reads[0].range).toEqual({ start: 0, end: 511 });
  });

  it('stops reading when an adapter ignores the range, and takes the requested bytes only', async () => {
    const { adapter } = recordingAdapter(root);
    let delivered = 0;
    const wholeFile: StorageAdapter = {
      ...adapter,
      read: async (b, k) => {
        const stream = await adapter.read(b, k); // no range: the whole file
        stream.on('data', (chunk: Buffer) => {
          delivered += chunk.length;
        });
        return stream;
      },
    };
    const info = await objectInfo(adapter, 'ds/big.csv');
    const schema = await inferObjectSchema(wholeFile, bucket, info, 'csv', {
      headerBytes: 1024,
    });
    expect(schema?.columns.map(c => c.name)).toEqual(['id', 'name', 'value']);
    // one chunk of the stream (64 KiB) at most, not the whole file
    expect(delivered).toBeLessThan(info.size);
  });

  it('refuses bytes that are not a Parquet file', () => {
    expect(() => parseParquetFooter(Buffer.from('not a parquet file'))).toThrow(
      /PAR1/,
    );
  });
});
