import { ObservationSeries } from '@kaml-d/plugin-kaml-d-common';

/** One series of a Prometheus `matrix` answer (`/api/v1/query_range`). */
export interface PrometheusMatrixEntry {
  metric: Record<string, string>;
  values: Array<[number, string]>;
}

/**
 * Turns a matrix into chart series: legend from the given labels (the fallback when none is
 * set), values as numbers, NaN and ±Inf left out (a gap, not a zero), series sorted by label.
 */
export function matrixToSeries(
  matrix: PrometheusMatrixEntry[],
  legend: string[],
  fallback: string,
): ObservationSeries[] {
  return matrix
    .map(entry => {
      const parts = legend
        .map(name => entry.metric[name])
        .filter((v): v is string => Boolean(v));
      const points: Array<[number, number]> = [];
      for (const [time, raw] of entry.values) {
        const value = Number(raw);
        if (Number.isFinite(value)) points.push([Number(time), value]);
      }
      return { label: parts.length ? parts.join(' ') : fallback, points };
    })
    .filter(series => series.points.length > 0)
    .sort((a, b) => a.label.localeCompare(b.label, 'en-US', { numeric: true }));
}
