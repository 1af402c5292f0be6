import { sqlInteger } from '../sqlText';

/**
 * Macros that shadow DuckDB's string builders in a sandbox so that no single value can outgrow
 * the result limit: DuckDB's memory_limit does not cover string values (`repeat('x', 1e9)` took
 * 3.3 GB of RSS with a 256 MB limit), so a statement such as the is stopped before the
 * value is built. Each macro calls the system function with its arguments unchanged, or raises
 * an error naming the limit.
 */
export function valueGuardStatements(maxBytes: number): string[] {
  const limit = sqlInteger(maxBytes);
  const refuse = (fn: string) =>
    `error('${fn}(…) would build a value of more than ${limit} bytes, the most a result holds (kamlD.query.maxResultBytes); ask for a shorter value')`;
  return [
    `CREATE MACRO repeat(s, n) AS system.main.repeat(s, CASE WHEN n > 0 AND strlen(CAST(s AS VARCHAR)) * n > ${limit} THEN ${refuse(
      'repeat',
    )} ELSE n END)`,
    ...['lpad', 'rpad'].map(
      fn =>
        `CREATE MACRO ${fn}(s, n, p) AS system.main.${fn}(s, CASE WHEN n * 4 > ${limit} THEN ${refuse(
          fn,
        )} ELSE n END, p)`,
    ),
  ];
}
