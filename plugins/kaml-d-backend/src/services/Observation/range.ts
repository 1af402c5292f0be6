import { InputError } from '@backstage/errors';

/** Ranges the Health tab offers; anything of the form `<n>m|h|d` up to 7 days is accepted. */
export const DEFAULT_RANGE = '1h';
const MAX_RANGE_SECONDS = 7 * 24 * 3600;
/** Points per series at most. */
export const MAX_POINTS = 300;
const NICE_STEPS = [15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800];
const UNIT_SECONDS: Record<string, number> = { m: 60, h: 3600, d: 86400 };

/** `15m`, `1h`, `24h`, `7d` → seconds; InputError for anything else. */
export function parseRange(range: string): number {
  const match = /^(\d{1,4})([mhd])$/.exec(range);
  const seconds = match ? Number(match[1]) * UNIT_SECONDS[match[2]] : NaN;
  if (!(seconds >= 300 && seconds <= MAX_RANGE_SECONDS)) {
    throw new InputError(
      `Invalid range "${range}": use minutes, hours or days between 5m and 7d, such as 1h`,
    );
  }
  return seconds;
}

/** The smallest round step that keeps a series at `MAX_POINTS` points or fewer. */
export function chooseStep(rangeSeconds: number): number {
  const wanted = rangeSeconds / MAX_POINTS;
  return NICE_STEPS.find(step => step >= wanted) ?? Math.ceil(wanted);
}

/** The `rate()` window for a step: at least a minute, and at least two steps so no sample is skipped. */
export function rateWindowSeconds(stepSeconds: number): number {
  return Math.max(60, 2 * stepSeconds);
}
