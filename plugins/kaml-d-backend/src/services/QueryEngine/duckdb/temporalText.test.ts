import { DatasetSource, FileStorageAdapter } from '@kaml-d/plugin-kaml-d-node';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { guardSql } from '../sqlGuard';
import { DuckDBQueryEngine } from './DuckDBQueryEngine';

jest.setTimeout(120_000);

describe('DuckDBQueryEngine: dates and times look the same in preview, SQL and profile', () => {
  let root: string;
  let engine: DuckDBQueryEngine;
  let trips: DatasetSource;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'kaml-d-temporal-'));
    const folder = join(root, 'storage', 'kaml-data', 'trips');
    await mkdir(folder, { recursive: true });
    await writeFile(
      join(folder, 'trips.csv'),
      'day,started\n2024-01-02,2024-01-02 10:11:12\n2024-03-04,2024-03-04 23:59:00\n',
    );
    trips = {
      kind: 'objects',
      name: 'trips',
      format: 'csv',
      storage: new FileStorageAdapter(join(root, 'storage')),
      bucket: 'kaml-data',
      prefix: 'trips/',
    };
    engine = new DuckDBQueryEngine({
      cacheDir: join(root, 'cache'),
      maxDownloadBytes: 1e9,
      threads: 1,
      memoryLimit: '256MB',
      processMemoryBytes: 1024 * 2 ** 20,
    });
  });

  afterAll(async () => {
    await engine.close();
    await rm(root, { recursive: true, force: true });
  });

  it('a DATE is a date and a TIMESTAMP keeps its wall-clock time, everywhere', async () => {
    const preview = await engine.preview(trips, {
      maxRows: 10,
      timeoutMs: 60_000,
    });
    expect(preview.columns.map(c => c.type)).toEqual(['DATE', 'TIMESTAMP']);
    expect(preview.rows).toEqual([
      ['2024-01-02', '2024-01-02 10:11:12'],
      ['2024-03-04', '2024-03-04 23:59:00'],
    ]);

    const query = await engine.query(
      guardSql(
        `SELECT max(day) AS last_day, min(started) AS first_start FROM "trips"`,
      ),
      [trips],
      { maxRows: 10, timeoutMs: 60_000 },
    );
    expect(query.rows).toEqual([['2024-03-04', '2024-01-02 10:11:12']]);

    const profile = await engine.profile(trips, 'day', {
      timeoutMs: 60_000,
      topValues: 5,
      histogramBins: 5,
    });
    expect({ min: profile.min, max: profile.max }).toEqual({
      min: '2024-01-02',
      max: '2024-03-04',
    });
  });

  it('a TIMESTAMPTZ names its zone, a TIME is a time, and lists of them convert alike', async () => {
    const result = await engine.query(
      guardSql(
        `SELECT TIMESTAMPTZ '2024-01-02 10:11:12+02' AS at, TIME '10:11:12' AS t, [DATE '2024-01-03'] AS days`,
      ),
      [],
      { maxRows: 10, timeoutMs: 60_000 },
    );
    expect(result.rows).toEqual([
      [
        expect.stringMatching(/^2024-01-02 \d\d:11:12[+-]\d\d/),
        '10:11:12',
        ['2024-01-03'],
      ],
    ]);
  });
});
