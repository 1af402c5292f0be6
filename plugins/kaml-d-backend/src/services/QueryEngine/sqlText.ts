export { quoteIdent, quoteQualified } from '@kaml-d/plugin-kaml-d-node';

/** Validates a row count or bin count before it is written into SQL as a number. */
export function sqlInteger(value: number): string {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new Error(`expected a non-negative whole number, got ${value}`);
  }
  return String(value);
}
