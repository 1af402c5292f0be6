import { ModelVersion, ObservationPanel } from '@kaml-d/plugin-kaml-d-common';

export function formatMetric(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return Number.isInteger(value) ? String(value) : value.toPrecision(4);
}

/** `dataset:default/sales` → `sales`; other namespaces are kept. */
export function shortRef(ref: string): string {
  return ref.replace(/^[a-z]+:(default\/)?/, '');
}

/** Every metric name any of the versions recorded, sorted. */
export function metricNamesOf(items: ModelVersion[]): string[] {
  return [...new Set(items.flatMap(v => Object.keys(v.metrics)))].sort();
}

/**
 * One chart panel per metric: the metric's value at each version that recorded it, oldest
 * version first.
 */
export function metricPanels(items: ModelVersion[]): ObservationPanel[] {
  const names = metricNamesOf(items);
  const ascending = [...items].sort((a, b) => a.version - b.version);
  return names.map(metric => ({
    id: metric,
    title: `${metric} by version`,
    unit: 'none',
    series: [
      {
        label: metric,
        points: ascending
          .filter(v => typeof v.metrics[metric] === 'number')
          .map(v => [v.version, v.metrics[metric]] as [number, number]),
      },
    ],
  }));
}
