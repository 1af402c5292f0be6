import {
  ColumnInfo,
  ColumnProfile,
  ColumnSummary,
  ProfileOptions,
  TimeHistogram,
} from '@kaml-d/plugin-kaml-d-node';
import {
  assembleHistogram,
  bucketLabel,
  isCategorical,
  kindOf,
  nullShare,
  timeUnitFor,
} from './profileMath';
import { quoteIdent, sqlInteger } from './sqlText';

/** What differs between the SQL dialects of the engines for profiling. */
export interface ProfileDialect {
  /**
   * Distinct-count expression over the quoted column `c`: Trino's `approx_distinct` (HyperLogLog,
   * 2.3% standard error), or an exact `count(DISTINCT c)` where the engine's estimate is too rough.
   */
  distinct: (c: string) => string;
  /**
   * The `p` quantile (0 < p < 1, a constant) of the DOUBLE expression `x`: DuckDB's exact,
   * interpolated `quantile_cont`, Trino's `approx_percentile`.
   */
  quantile: (x: string, p: number) => string;
}

/**
 * Characters of a value a profile shows (top values, min, max). The engine cuts longer values,
 * so a column of huge strings costs a few bytes per value in the answer, not the values.
 */
export const PROFILE_VALUE_CHARS = 200;

/** `value` (a VARCHAR expression) cut to {@link PROFILE_VALUE_CHARS}, in SQL both engines run. */
const shown = (value: string) =>
  `substr(${value}, 1, ${sqlInteger(PROFILE_VALUE_CHARS)})`;

const QUARTILES = [0.25, 0.5, 0.75] as const;

/**
 * The aggregates of one column in a statement over the whole table, in this order: non-null
 * count, distinct count, min and max as text; then mean, sample deviation and the quartiles of
 * a numeric column; then, when `span` is asked, the seconds between the first and the last
 * instant of a date/time column.
 */
function columnAggregates(
  column: ColumnInfo,
  dialect: ProfileDialect,
  span: boolean,
): string[] {
  const c = quoteIdent(column.name);
  const kind = kindOf(column.type);
  const aggregates = [
    `count(${c})`,
    dialect.distinct(c),
    shown(`CAST(min(${c}) AS VARCHAR)`),
    shown(`CAST(max(${c}) AS VARCHAR)`),
  ];
  if (kind === 'numeric') {
    const x = `CAST(${c} AS DOUBLE)`;
    aggregates.push(`avg(${x})`, `stddev_samp(${x})`);
    for (const p of QUARTILES) aggregates.push(dialect.quantile(x, p));
  }
  if (kind === 'temporal' && span) {
    aggregates.push(
      `date_diff('second', min(CAST(${c} AS TIMESTAMP)), max(CAST(${c} AS TIMESTAMP)))`,
    );
  }
  return aggregates;
}

const num = (v: unknown): number =>
  v === null || v === undefined ? 0 : Number(v);
const numOrNull = (v: unknown): number | null => {
  if (v === null || v === undefined) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};
const text = (v: unknown): string | null =>
  v === null || v === undefined ? null : String(v);

/** Reads the figures of `column` from `values`, as {@link columnAggregates} ordered them. */
function readSummary(
  column: ColumnInfo,
  rows: number,
  values: unknown[],
): ColumnSummary {
  const kind = kindOf(column.type);
  const [nonNull, distinct, min, max] = values;
  const nulls = rows - num(nonNull);
  const summary: ColumnSummary = {
    column: column.name,
    type: column.type,
    kind,
    rows,
    nulls,
    nullShare: nullShare(nulls, rows),
    approxDistinct: num(distinct),
    min: text(min),
    max: text(max),
  };
  if (kind === 'numeric') {
    const [mean, stddev, p25, p50, p75] = values.slice(4, 9).map(numOrNull);
    Object.assign(summary, { mean, stddev, p25, p50, p75 });
  }
  return summary;
}

/**
 * One statement that computes the summary of every column in `columns` over `table` (an
 * already quoted relation): one pass over the data for all of them.
 */
export function summaryStatement(
  table: string,
  columns: ColumnInfo[],
  dialect: ProfileDialect,
): string {
  const aggregates = columns.flatMap(c => columnAggregates(c, dialect, false));
  return `SELECT ${['count(*)', ...aggregates].join(', ')} FROM ${table}`;
}

/** Runs one statement and returns its rows as arrays. */
export type RunRows = (sql: string) => Promise<unknown[][]>;

/**
 * The summaries of `columns` (names and engine types from the engine's schema), the columns
 * taken in statements of at most `perStatement` columns.
 */
export async function runSummary(
  run: RunRows,
  table: string,
  columns: ColumnInfo[],
  dialect: ProfileDialect,
  perStatement = 50,
): Promise<ColumnSummary[]> {
  const summaries: ColumnSummary[] = [];
  for (let start = 0; start < columns.length; start += perStatement) {
    const part = columns.slice(start, start + perStatement);
    const [row = []] = await run(summaryStatement(table, part, dialect));
    const rows = num(row[0]);
    let at = 1;
    for (const column of part) {
      const width = columnAggregates(column, dialect, false).length;
      summaries.push(readSummary(column, rows, row.slice(at, at + width)));
      at += width;
    }
  }
  return summaries;
}

/** The statements that profile `column` of `table` (an already quoted relation). */
export function profileStatements(
  table: string,
  column: ColumnInfo,
  options: Pick<ProfileOptions, 'topValues' | 'histogramBins'>,
  dialect: ProfileDialect,
) {
  const c = quoteIdent(column.name);
  const bins = options.histogramBins;
  return {
    stats: `SELECT ${[
      'count(*)',
      ...columnAggregates(column, dialect, true),
    ].join(', ')} FROM ${table}`,
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
    /** Counts per calendar bucket; `unit` is one of a fixed set, never user input. */
    timeHistogram: (unit: TimeHistogram['unit']) =>
      `SELECT CAST(date_trunc('${unit}', CAST(${c} AS TIMESTAMP)) AS VARCHAR) AS bucket, count(*) AS n ` +
      `FROM ${table} WHERE ${c} IS NOT NULL GROUP BY 1 ORDER BY 1`,
  };
}

/**
 * Profiles a column with the engine's `run`: its summary figures, then top values where it is
 * categorical, a histogram where it is numeric, counts per time bucket where it is a date or
 * a timestamp.
 */
export async function runProfile(
  run: RunRows,
  table: string,
  column: string,
  type: string,
  options: Pick<ProfileOptions, 'topValues' | 'histogramBins'>,
  dialect: ProfileDialect,
): Promise<ColumnProfile> {
  const info = { name: column, type };
  const statements = profileStatements(table, info, options, dialect);
  // one after another: an embedded engine's connection runs one statement at a time
  const [stats = []] = await run(statements.stats);
  const summary = readSummary(info, num(stats[0]), stats.slice(1));
  const categorical = isCategorical(type, summary.approxDistinct);
  const top = categorical ? await run(statements.topValues) : [];
  const profile: ColumnProfile = {
    ...summary,
    categorical,
    topValues: top.map(([value, count]) => ({
      value: String(value),
      count: num(count),
    })),
  };
  const hasValues = summary.rows > summary.nulls;
  if (summary.kind === 'numeric') {
    const histogram = hasValues ? await run(statements.histogram) : [];
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
  if (summary.kind === 'temporal') {
    const unit = timeUnitFor(num(stats[5]), /^DATE$/i.test(type.trim()));
    const buckets = hasValues ? await run(statements.timeHistogram(unit)) : [];
    profile.timeHistogram = {
      unit,
      bins: buckets.map(([start, n]) => ({
        start: bucketLabel(String(start), unit),
        count: num(n),
      })),
    };
  }
  return profile;
}
