import {
  ColumnKind,
  HistogramBin,
  TimeHistogram,
} from '@kaml-d/plugin-kaml-d-node';

/** Share of nulls, 0 for an empty dataset, rounded to 4 decimals. */
export function nullShare(nulls: number, rows: number): number {
  if (rows <= 0) return 0;
  return Math.round((nulls / rows) * 10_000) / 10_000;
}

/** Whether an engine type is numeric (DuckDB and Trino names). */
export function isNumericType(type: string): boolean {
  return /^(TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|REAL|FLOAT|DOUBLE|DECIMAL|NUMERIC)\b/i.test(
    type.trim(),
  );
}

/**
 * The bar a value falls in: equal-width bars between `lower` and `upper`, the maximum in the
 * last bar. Mirrors the SQL each engine runs, so both agree on edges.
 */
export function binIndex(
  value: number,
  lower: number,
  upper: number,
  bins: number,
): number {
  if (upper <= lower) return 0;
  const index = Math.floor(((value - lower) / (upper - lower)) * bins);
  return Math.min(Math.max(index, 0), bins - 1);
}

/**
 * Builds the histogram from per-bar counts an engine returned (`bin` → count; missing bars are
 * empty). A column with a single distinct value gets one bar.
 */
export function assembleHistogram(
  lower: number,
  upper: number,
  bins: number,
  counts: Array<{ bin: number; count: number }>,
): HistogramBin[] {
  if (!Number.isFinite(lower) || !Number.isFinite(upper)) return [];
  if (upper <= lower) {
    const total = counts.reduce((sum, c) => sum + c.count, 0);
    return total > 0 ? [{ lower, upper, count: total }] : [];
  }
  const width = (upper - lower) / bins;
  const result: HistogramBin[] = [];
  for (let i = 0; i < bins; i++) {
    result.push({
      lower: lower + i * width,
      upper: i === bins - 1 ? upper : lower + (i + 1) * width,
      count: 0,
    });
  }
  for (const { bin, count } of counts) {
    const index = Math.min(Math.max(bin, 0), bins - 1);
    result[index].count += count;
  }
  return result;
}

/** Whether an engine type is a date or a timestamp (DuckDB and Trino names); TIME is not. */
export function isTemporalType(type: string): boolean {
  return /^(DATE|DATETIME|TIMESTAMPTZ|TIMESTAMP(_S|_MS|_NS)?)\b/i.test(
    type.trim(),
  );
}

/** What a profile computes for a column of this engine type. */
export function kindOf(type: string): ColumnKind {
  if (isNumericType(type)) return 'numeric';
  if (isTemporalType(type)) return 'temporal';
  return 'other';
}

/** Distinct values at or below which any column is treated as categorical (labels, codes). */
export const CATEGORICAL_DISTINCT = 12;

/**
 * Whether top values say something about the column: text and booleans, and any column with
 * few distinct values; a decimal column's "top values" would be noise.
 */
export function isCategorical(type: string, distinct: number): boolean {
  if (distinct <= CATEGORICAL_DISTINCT) return true;
  return /^(VARCHAR|CHAR|TEXT|STRING|BOOLEAN|BOOL|ENUM|UUID)\b/i.test(
    type.trim(),
  );
}

/** Time buckets a date/time histogram has at most, about. */
const MAX_TIME_BUCKETS = 60;

const UNIT_SECONDS: Array<[TimeHistogram['unit'], number]> = [
  ['second', 1],
  ['minute', 60],
  ['hour', 3_600],
  ['day', 86_400],
  ['month', 2_629_746],
];

/**
 * The calendar unit of a date/time histogram over `spanSeconds` (max − min): the finest one
 * that gives at most about 60 buckets; days at the finest for a DATE column.
 */
export function timeUnitFor(
  spanSeconds: number,
  dateOnly: boolean,
): TimeHistogram['unit'] {
  for (const [unit, seconds] of UNIT_SECONDS) {
    if (dateOnly && seconds < 86_400) continue;
    if (spanSeconds / seconds <= MAX_TIME_BUCKETS) return unit;
  }
  return 'year';
}

const LABEL_CHARS: Record<TimeHistogram['unit'], number> = {
  year: 4,
  month: 7,
  day: 10,
  hour: 13,
  minute: 16,
  second: 19,
};

/**
 * A bucket's start as the engines write a truncated timestamp (`2026-03-01 00:00:00[.000]`),
 * cut to its unit: `2026-03` for a month, `2026-03-14 09:00` for an hour.
 */
export function bucketLabel(
  value: string,
  unit: TimeHistogram['unit'],
): string {
  const text = value.replace('T', ' ');
  return unit === 'hour'
    ? `${text.slice(0, LABEL_CHARS.hour)}:00`
    : text.slice(0, LABEL_CHARS[unit]);
}
