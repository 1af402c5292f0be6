import { DatasetSource, FileStorageAdapter } from '@kaml-d/plugin-kaml-d-node';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { guardSql } from '../sqlGuard';
import { DuckDBQueryEngine } from './DuckDBQueryEngine';

jest.setTimeout(120_000);

describe('DuckDBQueryEngine: result limits', () => {
  let root: string;
  let sales: DatasetSource;
  const engines: DuckDBQueryEngine[] = [];
  const engine = (maxResultBytes?: number) => {
    const created = new DuckDBQueryEngine(
      {
        cacheDir: join(root, 'cache'),
        maxDownloadBytes: 1e9,
        threads: 1,
        memoryLimit: '256MB',
        processMemoryBytes: 1024 * 2 ** 20,
      },
      { maxResultBytes },
    );
    engines.push(created);
    return created;
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'kaml-d-sql-limits-'));
    await mkdir(join(root, 'storage', 'kaml-data', 'sales'), {
      recursive: true,
    });
    const lines = ['id,region,note'];
    for (let i = 0; i < 200; i++)
      lines.push(`${i},r${i % 3},${'n'.repeat(50)}`);
    await writeFile(
      join(root, 'storage', 'kaml-data', 'sales', 'q1.csv'),
      `${lines.join('\n')}\n`,
    );
    sales = {
      kind: 'objects',
      name: 'sales',
      format: 'csv',
      storage: new FileStorageAdapter(join(root, 'storage')),
      bucket: 'kaml-data',
      prefix: 'sales/',
    };
  });

  afterAll(async () => {
    await Promise.all(engines.map(e => e.close()));
    await rm(root, { recursive: true, force: true });
  });

  it("attack: select repeat('x', 1e9) is refused by the byte limit without a huge value in the Node heap", async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    const rssBefore = process.memoryUsage().rss;
    await expect(
      engine().query(guardSql("SELECT repeat('x', 1000000000) AS big"), [], {
        maxRows: 10,
        timeoutMs: 60_000,
      }),
    ).rejects.toThrow(
      /repeat\(…\) would build a value of more than 16777216 bytes.*kamlD.query.maxResultBytes/,
    );
    // the 1 GB value was never built, in DuckDB nor as a JavaScript string
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(
      100 * 1024 * 1024,
    );
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(
      300 * 1024 * 1024,
    );
  });

  it('refuses a single value past the limit however it was built, before converting it', async () => {
    await expect(
      engine().query(
        guardSql("SELECT string_agg('x', '') AS big FROM range(20000000)"),
        [],
        { maxRows: 10, timeoutMs: 60_000 },
      ),
    ).rejects.toThrow(
      /The query returns more than 16777216 bytes \(kamlD.query.maxResultBytes\) within its first 1 rows/,
    );
  });

  it('refuses many moderate rows past the limit, and returns them within it', async () => {
    const small = engine(64 * 1024);
    await expect(
      small.query(
        guardSql("SELECT repeat('x', 1000) AS v FROM range(1000)"),
        [],
        { maxRows: 1000, timeoutMs: 30_000 },
      ),
    ).rejects.toThrow(
      /more than 65536 bytes \(kamlD.query.maxResultBytes\) within its first 66 rows/,
    );
    const within = await small.query(
      guardSql("SELECT repeat('x', 1000) AS v FROM range(1000)"),
      [],
      { maxRows: 20, timeoutMs: 30_000 },
    );
    expect(within.rows).toHaveLength(20);
    expect(within.truncated).toBe(true);
    expect(within.columns).toEqual([{ name: 'v', type: 'VARCHAR' }]);
  });

  it('still previews and profiles datasets, and applies the limit to previews', async () => {
    const preview = await engine().preview(sales, {
      maxRows: 5,
      timeoutMs: 30_000,
    });
    expect(preview.columns.map(c => c.name)).toEqual(['id', 'region', 'note']);
    expect(preview.rows[0]).toEqual([0, 'r0', 'n'.repeat(50)]);
    expect(preview.truncated).toBe(true);

    const profile = await engine().profile(sales, 'id', {
      timeoutMs: 30_000,
      topValues: 3,
      histogramBins: 4,
    });
    expect(profile).toMatchObject({
      rows: 200,
      nulls: 0,
      min: '0',
      max: '199',
    });
    expect(profile.histogram).toHaveLength(4);

    await expect(
      engine(1000).preview(sales, { maxRows: 100, timeoutMs: 30_000 }),
    ).rejects.toThrow(/The preview of "sales" returns more than 1000 bytes/);
  });

  it('attack: profiling a column of megabyte values answers with values cut to 200 characters, not the values', async () => {
    await mkdir(join(root, 'storage', 'kaml-data', 'blobs'), {
      recursive: true,
    });
    const huge = (letter: string) => letter.repeat(1_000_000);
    const lines = ['id,payload'];
    for (let i = 0; i < 6; i++) lines.push(`${i},${huge('abc'[i % 3])}`);
    await writeFile(
      join(root, 'storage', 'kaml-data', 'blobs', 'part.csv'),
      `${lines.join('\n')}\n`,
    );
    const profile = await engine().profile(
      {
        kind: 'objects',
        name: 'blobs',
        format: 'csv',
        storage: new FileStorageAdapter(join(root, 'storage')),
        bucket: 'kaml-data',
        prefix: 'blobs/',
      },
      'payload',
      { timeoutMs: 60_000, topValues: 5, histogramBins: 4 },
    );
    expect(profile.topValues).toEqual([
      { value: 'a'.repeat(200), count: 2 },
      { value: 'b'.repeat(200), count: 2 },
      { value: 'c'.repeat(200), count: 2 },
    ]);
    expect(profile.min).toBe('a'.repeat(200));
    expect(profile.max).toBe('c'.repeat(200));
    expect(profile.approxDistinct).toBe(3);
  });
});
