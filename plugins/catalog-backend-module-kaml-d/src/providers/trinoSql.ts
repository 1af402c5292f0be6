import { quoteIdent, quoteLiteral } from '@kaml-d/plugin-kaml-d-node';

/** Lists the schemas of a catalog (one query), system schemas left out. */
export function schemasQuery(catalog: string, excluded: string[]): string {
  const not = excluded.map(quoteLiteral).join(', ');
  return `SELECT schema_name FROM ${quoteIdent(
    catalog,
  )}.information_schema.schemata${
    excluded.length ? ` WHERE schema_name NOT IN (${not})` : ''
  } ORDER BY schema_name`;
}

/** Every column of every table of one schema, in one query. */
export function columnsQuery(catalog: string, schema: string): string {
  return `SELECT table_name, column_name, data_type FROM ${quoteIdent(
    catalog,
  )}.information_schema.columns WHERE table_schema = ${quoteLiteral(
    schema,
  )} ORDER BY table_name, ordinal_position`;
}
