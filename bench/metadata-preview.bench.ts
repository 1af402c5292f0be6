/**
 * Preview of the first 100 rows of a large Parquet file through the backend's DuckDB engine
 * (fresh sandboxed instance, view over the dataset's files, LIMIT) vs reading the whole file
 * (every row group of every column decoded into a table), in the same run, same thread count.
 *
 * The file (ROWS rows, ~1 GiB with the default 25 million) is generated once into bench/.out/ and reused.
 *
 * Ends with `metadata-preview: <whole-file ms / preview ms>` (a speed-up; higher is better).
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { bestOf, loadMetadataLib, out } from './metadata-build.ts';

const ROWS = Number(process.env.KAML_BENCH_PREVIEW_ROWS ?? 25_000_000);
const THREADS = 2;
const storageRoot = join(out, 'preview');
const bucket = 'kaml-bench';
const dir = join(storageRoot, bucket, 'large-readings');
const file = join(dir, `readings-${ROWS}.parquet`);

if (!existsSync(file)) {
  mkdirSync(dir, { recursive: true });
  const started = performance.now();
  const db = await DuckDBInstance.create(':memory:', { threads: String(THREADS) });
  const connection = await db.connect();
  const partial = `${file}.partial`;
  // md5 text keeps the file from compressing to nothing, like real identifiers
  await connection.run(
    `COPY (
       SELECT i AS id,
              TIMESTAMP '2024-01-01' + to_seconds(i) AS ts,
              'station-' || (i % 997) AS station,
              (i % 1000) / 7.0 AS value,
              md5(i::VARCHAR) AS reading_id
       FROM range(${ROWS}) t(i)
     ) TO '${partial}' (FORMAT parquet)`,
  );
  connection.closeSync();
  db.closeSync();
  renameSync(partial, file);
  console.log(`generated ${file.slice(out.length + 1)} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
const bytes = statSync(file).size;
console.log(`file: ${ROWS} rows, ${(bytes / 1024 / 1024).toFixed(0)} MiB`);

const lib = loadMetadataLib();
const engine = new lib.DuckDBQueryEngine({
  cacheDir: join(out, 'preview-cache'),
  maxDownloadBytes: 4 * 1024 * 1024 * 1024,
  threads: THREADS,
  memoryLimit: '4GB',
});
const source = {
  kind: 'objects',
  name: 'large-readings',
  format: 'parquet',
  storage: new lib.FileStorageAdapter(storageRoot),
  bucket,
  prefix: 'large-readings/',
};

const preview = await bestOf(3, () => engine.preview(source, { maxRows: 100, timeoutMs: 120_000 }));
if (preview.value.rows.length !== 100 || !preview.value.truncated) {
  throw new Error(`preview returned ${preview.value.rows.length} rows`);
}

const whole = await bestOf(1, async () => {
  const db = await DuckDBInstance.create(':memory:', { threads: String(THREADS), memory_limit: '4GB' });
  const connection = await db.connect();
  try {
    await connection.run(`CREATE TABLE all_rows AS SELECT * FROM read_parquet('${file}')`);
    const reader = await connection.runAndReadAll('SELECT count(*) FROM all_rows');
    return Number(reader.getRowsJS()[0][0]);
  } finally {
    connection.closeSync();
    db.closeSync();
  }
});
if (whole.value !== ROWS) throw new Error(`whole-file read saw ${whole.value} rows`);

console.log(`preview (100 rows, engine path)  ${preview.ms.toFixed(0).padStart(7)} ms`);
console.log(`whole file (${ROWS} rows decoded) ${whole.ms.toFixed(0).padStart(7)} ms`);
console.log(`metadata-preview: ${(whole.ms / preview.ms).toFixed(1)}`);
