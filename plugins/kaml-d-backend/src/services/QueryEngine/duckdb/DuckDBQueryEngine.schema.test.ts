import { DuckDBInstance } from '@duckdb/node-api';
import {
  DatasetSource,
  FileStorageAdapter,
  StorageAdapter,
  TabularFormat,
} from '@kaml-d/plugin-kaml-d-node';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBQueryEngine } from './DuckDBQueryEngine';
import { wholeRecords } from './schemaSample';

const SAMPLE_BYTES = 64 * 1024;
const LIMITS = { timeoutMs: 60_000 };

/** The file store seen as a remote one (no local paths), counting the bytes read from it. */
function remoteView(store: FileStorageAdapter) {
  const read = { bytes: 0 };
  const adapter = new Proxy(store, {
    get(target, property) {
      if (property === 'localPath') return undefined;
      if (property === 'read') {
        return async (...args: Parameters<StorageAdapter['read']>) => {
          const stream = await target.read(...args);
          stream.on('data', (chunk: Buffer) => {
            read.bytes += chunk.length;
          });
          return stream;
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { adapter: adapter as StorageAdapter, read };
}

describe('DuckDBQueryEngine.schema: reading only what the schema needs', () => {
  let root: string;
  let store: FileStorageAdapter;
  let engine: DuckDBQueryEngine;
  const bucket = 'kaml-data';

  const source = (
    storage: StorageAdapter,
    prefix: string,
    format: TabularFormat,
  ): DatasetSource => ({
    kind: 'objects',
    name: prefix.replace(/\/$/, ''),
    format,
    storage,
    bucket,
    prefix,
  });

  async function put(key: string, body: Buffer | string) {
    await mkdir(join(root, 'storage', bucket, key, '..'), { recursive: true });
    await writeFile(join(root, 'storage', bucket, key), body);
  }

  /** The schema read in place (the whole file) and through the remote view, with bytes read. */
  async function bothWays(prefix: string, format: TabularFormat) {
    const local = await engine.schema(source(store, prefix, format), LIMITS);
    const remote = remoteView(store);
    const sampled = await engine.schema(
      source(remote.adapter, prefix, format),
      LIMITS,
    );
    return { local, sampled, bytesRead: remote.read.bytes };
  }

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'kaml-d-schema-'));
    store = new FileStorageAdapter(join(root, 'storage'));
    await mkdir(join(root, 'storage', bucket, 'trips'), { recursive: true });
    const duck = await DuckDBInstance.create(':memory:');
    const connection = await duck.connect();
    await connection.run(
      `COPY (SELECT range AS trip_id, 'station-' || (range % 97) AS station, range * 0.25 AS fare,
              DATE '2024-01-01' + (range % 366)::INT AS day
             FROM range(600000)) TO '${join(
               root,
               'storage',
               bucket,
               'trips',
               'trips.parquet',
             )}' (FORMAT parquet)`,
    );
    connection.closeSync();
    const readings = Array.from({ length: 4000 }, (_, i) => ({
      sensor: `s-${i % 13}`,
      reading: i / 8,
      taken_on: `2024-03-${String((i % 28) + 1).padStart(2, '0')}`,
      note: i % 5 === 0 ? 'a "quoted" ] bracket, and {braces}' : null,
      tags: ['x', `t${i % 3}`],
      position: { lat: 47 + i / 1e4, lon: 8 },
    }));
    await put('readings/readings.json', JSON.stringify(readings, null, 1));
    const lines = ['id,city,amount,paid_at'];
    for (let i = 0; i < 20000; i++) {
      lines.push(`${i},city-${i % 50},${(i * 1.5).toFixed(2)},2024-05-01`);
    }
    await put('orders/orders.csv', `${lines.join('\n')}\n`);
    await put('zipped/orders.csv.gz', gzipSync(`${lines.join('\n')}\n`));
    engine = new DuckDBQueryEngine({
      cacheDir: join(root, 'cache'),
      maxDownloadBytes: 1e9,
      schemaSampleBytes: SAMPLE_BYTES,
      threads: 1,
      memoryLimit: '256MB',
      processMemoryBytes: 1024 * 2 ** 20,
    });
  });

  afterAll(async () => {
    await engine.close();
    await rm(root, { recursive: true, force: true });
  });

  it('reads a Parquet schema from the footer of a remote object, not its rows', async () => {
    const size = (
      await stat(join(root, 'storage', bucket, 'trips/trips.parquet'))
    ).size;
    const { local, sampled, bytesRead } = await bothWays('trips/', 'parquet');
    expect(local.map(c => c.name)).toEqual([
      'trip_id',
      'station',
      'fare',
      'day',
    ]);
    expect(sampled).toEqual(local);
    expect(size).toBeGreaterThan(2 * 2 ** 20);
    expect(bytesRead).toBeLessThan(128 * 1024);
  });

  it('reads a JSON array from its first bytes, cut after a whole element', async () => {
    const { local, sampled, bytesRead } = await bothWays('readings/', 'json');
    expect(local.map(c => c.name)).toEqual([
      'sensor',
      'reading',
      'taken_on',
      'note',
      'tags',
      'position',
    ]);
    expect(local.find(c => c.name === 'taken_on')?.type).toBe('DATE');
    expect(sampled).toEqual(local);
    expect(bytesRead).toBeLessThanOrEqual(SAMPLE_BYTES);
  });

  it('reads a CSV header and types from the first bytes', async () => {
    const { local, sampled, bytesRead } = await bothWays('orders/', 'csv');
    expect(local).toEqual([
      { name: 'id', type: 'BIGINT' },
      { name: 'city', type: 'VARCHAR' },
      { name: 'amount', type: 'DOUBLE' },
      { name: 'paid_at', type: 'DATE' },
    ]);
    expect(sampled).toEqual(local);
    expect(bytesRead).toBeLessThanOrEqual(SAMPLE_BYTES);
  });

  it('fetches a compressed file whole, as no prefix of it is a file', async () => {
    const size = (
      await stat(join(root, 'storage', bucket, 'zipped/orders.csv.gz'))
    ).size;
    const { local, sampled, bytesRead } = await bothWays('zipped/', 'csv');
    expect(sampled).toEqual(local);
    expect(local.map(c => c.name)).toEqual(['id', 'city', 'amount', 'paid_at']);
    expect(bytesRead).toBe(size);
  });
});

describe('wholeRecords', () => {
  const cut = (text: string, format: TabularFormat) =>
    wholeRecords(Buffer.from(text), format)?.toString();

  it('closes a JSON array after its last whole element, whatever its strings hold', () => {
    expect(
      cut('[{"a": "x]}\\"", "b": [1, {"c": 2}]}, {"a": "y"}, {"a": "z', 'json'),
    ).toBe('[{"a": "x]}\\"", "b": [1, {"c": 2}]}, {"a": "y"}]');
    expect(cut('  [1, 2, 3, 4', 'json')).toBe('  [1, 2, 3]');
    expect(cut('[{"a": "never closed', 'json')).toBeUndefined();
    // a whole array in the bytes is kept as it is
    expect(cut('[{"a": 1}] ', 'json')).toBe('[{"a": 1}]');
  });

  it('cuts line-based files after their last line break', () => {
    expect(cut('a,b\n1,2\n3,', 'csv')).toBe('a,b\n1,2\n');
    expect(cut('{"a":1}\n{"a":2}\n{"a"', 'jsonl')).toBe('{"a":1}\n{"a":2}\n');
    // a .json file holding one object per line is cut like JSON lines
    expect(cut('{"a":1}\n{"a":', 'json')).toBe('{"a":1}\n');
    expect(cut('no line break yet', 'csv')).toBeUndefined();
  });
});
