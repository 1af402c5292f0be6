import { HistogramBin } from '@kaml-d/plugin-kaml-d-node';

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
