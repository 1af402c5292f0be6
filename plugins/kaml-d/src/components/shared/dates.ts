/**
 * The one way KAML-D shows a point in time: `20 Nov 2026, 08:00 UTC` (day, month name, year,
 * 24-hour time, always in UTC and saying so), whatever the browser's locale or time zone.
 */
export function formatDateTime(iso: string): string {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return iso;
  return `${time.toLocaleString('en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'UTC',
  })} UTC`;
}
