import { DuckDBResult } from '@duckdb/node-api';
import { temporalTextConverter } from './temporalText';
import { InputError } from '@backstage/errors';
import { ColumnInfo, QueryResult } from '@kaml-d/plugin-kaml-d-node';
import { sqlInteger } from '../sqlText';
import { toJsonValue } from '../values';

/** Bytes counted per value on top of its text (separators, quotes, nulls). */
const VALUE_OVERHEAD = 4;

/**
 * `inner` with the row limit and, after its columns, one column per column holding the byte
 * length of its value as text. DuckDB computes those lengths, so the backend can refuse a row
 * before it turns any of its values into JavaScript.
 */
export function sizedSql(inner: string, maxRows: number): string {
  return `SELECT kaml_result.*, strlen(coalesce(CAST(COLUMNS(*) AS VARCHAR), '')) FROM (\n${inner}\n) AS kaml_result LIMIT ${sqlInteger(
    maxRows + 1,
  )}`;
}

/** What the result of {@link sizedSql} may hold. */
export interface ResultLimits {
  maxRows: number;
  maxBytes: number;
}

const nextTurn = () => new Promise<void>(resolve => setImmediate(resolve));

/**
 * Reads a streamed result of {@link sizedSql} chunk by chunk (2048 rows at most), converting a
 * chunk only after its sizes were added and found within `maxBytes`, and yielding to the event
 * loop every 256 rows so other requests (and the readiness probe) are served meanwhile.
 */
export async function readSized(
  result: DuckDBResult,
  limits: ResultLimits,
  context: string,
  /** Adds the bytes of the values read, the refused ones included. */
  meter: { bytes: number } = { bytes: 0 },
): Promise<Omit<QueryResult, 'elapsedMs'>> {
  const count = result.columnCount / 2;
  const types = result.columnTypes();
  const columns: ColumnInfo[] = result
    .columnNames()
    .slice(0, count)
    .map((name, i) => ({ name, type: types[i].toString() }));
  const rows: QueryResult['rows'] = [];
  let bytes = 0;
  let truncated = false;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    // sizes of the whole chunk first: a result over the limit is refused before any of its
    // values becomes a JavaScript string
    const take = Math.min(chunk.rowCount, limits.maxRows - rows.length);
    for (let r = 0; r < take; r++) {
      for (let c = count; c < 2 * count; c++) {
        const size =
          Number(chunk.getColumnVector(c).getItem(r) ?? 0) + VALUE_OVERHEAD;
        bytes += size;
        meter.bytes += size;
      }
      if (bytes > limits.maxBytes) {
        throw new InputError(
          `${context} returns more than ${
            limits.maxBytes
          } bytes (kamlD.query.maxResultBytes) within its first ${
            rows.length + r + 1
          } rows; select fewer columns or rows (LIMIT), aggregate, or shorten long values (such as left(column, 200)).`,
        );
      }
    }
    for (let r = 0; r < take; r++) {
      if (r > 0 && r % 256 === 0) await nextTurn();
      rows.push(
        chunk
          .convertRowValues(r, temporalTextConverter)
          .slice(0, count)
          .map(toJsonValue),
      );
    }
    truncated = take < chunk.rowCount;
    if (truncated) break;
    await nextTurn();
  }
  return { columns, rows, truncated };
}
