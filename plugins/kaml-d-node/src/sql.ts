/*
 * SQL quoting shared by every KAML-D package that writes SQL text for Trino or DuckDB (dataset
 * discovery, previews, row counts, profiles). Values that are not identifiers or literals never
 * reach SQL text at all.
 */

/**
 * Quotes an identifier for SQL (Trino and DuckDB alike): `a"b` → `"a""b"`. Refuses NUL, which
 * neither engine accepts in a name.
 *
 * @public
 */
export function quoteIdent(name: string): string {
  if (name.includes('\u0000')) throw new Error('identifier contains NUL');
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Quotes a dotted name part by part: `["hive","kaml","t"]` → `"hive"."kaml"."t"`.
 *
 * @public
 */
export function quoteQualified(parts: string[]): string {
  return parts.map(quoteIdent).join('.');
}

/**
 * Quotes a string literal for SQL: `it's` → `'it''s'`. Refuses NUL.
 *
 * @public
 */
export function quoteLiteral(value: string): string {
  if (value.includes('\u0000')) throw new Error('literal contains NUL');
  return `'${value.replace(/'/g, "''")}'`;
}
