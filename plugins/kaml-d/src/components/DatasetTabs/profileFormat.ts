import { formatCount } from '../shared/relations';

/** `0.1234` → `12.3%`. */
export function percent(share: number): string {
  return `${(share * 100).toLocaleString('en-US', {
    maximumFractionDigits: 1,
  })}%`;
}

/** `1234.5678` → `1,234.57`: axis labels and bounds short enough to read. */
export function formatBound(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/**
 * A statistic (mean, deviation, quartile) readable at a glance: two decimals from 1 on, three
 * significant digits below (`0.000123`), `–` when the engine had no value.
 */
export function formatStat(n: number | null | undefined): string {
  if (n === null || n === undefined) return '–';
  if (n === 0) return '0';
  if (Math.abs(n) >= 1) return formatBound(n);
  return n.toLocaleString('en-US', { maximumSignificantDigits: 3 });
}

export { formatCount };
