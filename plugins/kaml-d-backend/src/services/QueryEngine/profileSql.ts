import { ColumnProfile, ProfileOptions } from '@kaml-d/plugin-kaml-d-node';
import { assembleHistogram, isNumericType, nullShare } from './profileMath';
import { quoteIdent, sqlInteger } from './sqlText';

/** What differs between the SQL dialects of the engines for profiling. */
export interface ProfileDialect {
  /**
   * Distinct-count expression over the quoted column `c`: Trino's `approx_distinct` (HyperLogLog,
   * 2.3% standard error), or an exact `count(DISTINCT c)` where the engine's estimate is too rough.
   */
  distinct: (c: string) => string;
}

/**
 * Characters of a value a profile shows (top values, min, max). The engine cuts longer values,
 * so a column of huge strings costs a few bytes per value in the answer, not the values.
 */
export const PROFILE_VALUE_CHARS = 200;

/** `value` (a VARCHAR expression) cut to {@link PROFILE_VALUE_CHARS}, in SQL both engines run. */
const shown = (value: string) =>
  `substr(${value}, 1, ${sqlInteger(PROFILE_VALUE_CHARS)})`;

/** The statements that profile `column` of `table` (an already quoted relation). */
export function profileStatements(
  table: string,
  column: string,
  options: Pick<ProfileOptions, 'topValues' | 'histogramBins'>,
  dialect: ProfileDialect,
) {
  const c = quoteIdent(column);
  const bins = options.histogramBins;
  return {
    stats:
      `SELECT count(*) AS total_rows, count(${c}) AS non_null, ${dialect.distinct(
        c,
      )} AS distinct_values, ` +
      `${shown(`CAST(min(${c}) AS VARCHAR)`)} AS min_value, ${shown(
        `CAST(max(${c}) AS VARCHAR)`,
      )} AS max_value FROM ${table}`,
    // grouped by the whole value, shown cut
    topValues:
      `SELECT ${shown(
        `CAST(${c} AS VARCHAR)`,
      )} AS value, count(*) AS n FROM ${table} WHERE ${c} IS NOT NULL ` +
      `GROUP BY CAST(${c} AS VARCHAR) ORDER BY n DESC, value LIMIT ${sqlInteger(
        options.topValues,
      )}`,
    histogram:
      `WITH b AS (SELECT min(CAST(${c} AS DOUBLE)) AS lo, max(CAST(${c} AS DOUBLE)) AS hi FROM ${table}) ` +
      `SELECT CAST(CASE WHEN b.hi = b.lo THEN 0 ELSE least(floor((CAST(${c} AS DOUBLE) - b.lo) / (b.hi - b.lo) * ${sqlInteger(
        bins,
      )}), ${sqlInteger(bins - 1)}) END AS INTEGER) AS bin, ` +
      `count(*) AS n, min(b.lo) AS lo, min(b.hi) AS hi FROM ${table} CROSS JOIN b WHERE ${c} IS NOT NULL GROUP BY 1 ORDER BY 1`,
  };
}

/** Runs one statement and returns its rows as arrays. */
export type RunRows = (sql: string) => Promise<unknown[][]>;

const num = (v: unknown): number =>
  v === null || v === undefined ? 0 : Number(v);
const text = (v: unknown): string | null =>
  v === null || v === undefined ? null : String(v);

/** Profiles a column with the engine's `run`: two statements, three for numeric columns. */
export async function runProfile(
  run: RunRows,
  table: string,
  column: string,
  type: string,
  options: Pick<ProfileOptions, 'topValues' | 'histogramBins'>,
  dialect: ProfileDialect,
): Promise<ColumnProfile> {
  const statements = profileStatements(table, column, options, dialect);
  const numeric = isNumericType(type);
  // one after another: an embedded engine's connection runs one statement at a time
  const stats = await run(statements.stats);
  const top = await run(statements.topValues);
  const histogram = numeric ? await run(statements.histogram) : undefined;
  const [totalRows, nonNull, distinct, min, max] = stats[0] ?? [];
  const rows = num(totalRows);
  const nulls = rows - num(nonNull);
  const profile: ColumnProfile = {
    column,
    type,
    rows,
    nulls,
    nullShare: nullShare(nulls, rows),
    approxDistinct: num(distinct),
    min: text(min),
    max: text(max),
    topValues: top.map(([value, count]) => ({
      value: String(value),
      count: num(count),
    })),
  };
  if (histogram) {
    const first = histogram[0];
    profile.histogram = first
      ? assembleHistogram(
          num(first[2]),
          num(first[3]),
          options.histogramBins,
          histogram.map(([bin, n]) => ({ bin: num(bin), count: num(n) })),
        )
      : [];
  }
  return profile;
}
