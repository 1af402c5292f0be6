/** A value of a panel in its unit, short enough for an axis or a legend. */
export function formatValue(unit: string, value: number): string {
  const n = (v: number, digits = 2) =>
    v.toLocaleString('en-US', { maximumFractionDigits: digits });
  switch (unit) {
    case 'reqps':
      return `${n(value)} req/s`;
    case 'seconds':
      return value < 1 ? `${n(value * 1000, 0)} ms` : `${n(value)} s`;
    case 'ratio':
      return `${n(value * 100, 1)} %`;
    case 'percent':
      return `${n(value, 0)} %`;
    case 'cores':
      return `${n(value, 3)} cores`;
    case 'mebibytes':
      return value >= 1024 ? `${n(value / 1024, 1)} GiB` : `${n(value, 0)} MiB`;
    case 'bytes': {
      const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
      let v = value;
      let i = 0;
      while (Math.abs(v) >= 1024 && i < units.length - 1) {
        v /= 1024;
        i++;
      }
      return `${n(v, 1)} ${units[i]}`;
    }
    default:
      return n(value, 3);
  }
}

/** `1764132000` → `04:40` (or `26 Nov 04:40` when the range spans days). */
export function formatTime(seconds: number, withDate: boolean): string {
  const date = new Date(seconds * 1000);
  return date.toLocaleString('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    ...(withDate ? { day: 'numeric', month: 'short' } : {}),
    timeZone: 'UTC',
  });
}
