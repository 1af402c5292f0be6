/** Quotes an identifier for SQL (DuckDB and Trino alike): `a"b` → `"a""b"`. */
export function quoteIdent(name: string): string {
  if (name.includes('\u0000')) throw new Error('identifier contains NUL');
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quotes a dotted name part by part: `["hive","kaml","t"]` → `"hive"."kaml"."t"`. */
export function quoteQualified(parts: string[]): string {
  return parts.map(quoteIdent).join('.');
}

/** Validates a row count or bin count before it is written into SQL as a number. */
export function sqlInteger(value: number): string {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new Error(`expected a non-negative whole number, got ${value}`);
  }
  return String(value);
}
