import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { InputError } from '@backstage/errors';

/**
 * A node of DuckDB's parse tree as `json_serialize_sql` writes it. Numbers are kept as the text
 * DuckDB wrote (JavaScript numbers would round 64-bit values).
 */
export type TreeValue = string | boolean | null | TreeValue[] | TreeObject;
export interface TreeObject {
  [key: string]: TreeValue;
}

/** The parsed statements of one SQL text, and the JSON DuckDB wrote for them. */
export interface ParsedSql {
  statements: TreeObject[];
  json: string;
}

let parser: Promise<DuckDBInstance> | undefined;

/**
 * The instance that only parses: in memory, no tables, no file or network access, configuration
 * locked. It never runs the text it is given: the text is a bound parameter of
 * `json_serialize_sql`, which parses it and returns the tree.
 */
function parserInstance(): Promise<DuckDBInstance> {
  parser ??= DuckDBInstance.create(':memory:', {
    threads: '1',
    enable_external_access: 'false',
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    lock_configuration: 'true',
  });
  return parser;
}

/** Runs `fn` on a fresh connection of the parser instance. */
export async function withParser<T>(
  fn: (connection: DuckDBConnection) => Promise<T>,
): Promise<T> {
  const connection = await (await parserInstance()).connect();
  try {
    return await fn(connection);
  } finally {
    connection.closeSync();
  }
}

function readJson(text: string): TreeValue {
  return JSON.parse(
    text,
    (_key, value: unknown, context?: { source?: string }) =>
      typeof value === 'number' ? context?.source ?? String(value) : value,
  );
}

function asObject(value: TreeValue | undefined): TreeObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? value
    : undefined;
}

/**
 * Parses `sql` with DuckDB's own parser. InputError when DuckDB cannot parse it or when it holds
 * anything but queries (DuckDB serialises SELECT statements only).
 */
export async function parseSql(
  connection: DuckDBConnection,
  sql: string,
): Promise<ParsedSql> {
  const reader = await connection.runAndReadAll(
    'SELECT json_serialize_sql($sql::VARCHAR) AS tree',
    { sql },
  );
  const json = String(reader.getRowsJS()[0][0]);
  const tree = asObject(readJson(json));
  if (!tree) throw new Error('DuckDB returned no parse tree');
  if (tree.error === true) {
    const message = String(tree.error_message ?? 'unknown error');
    if (/only select statements/i.test(message)) {
      throw new InputError(
        'SQL mode is read-only: write one query (SELECT … or WITH … SELECT …); statements such as CREATE, SET, RESET, COPY, EXPORT, LOAD, INSTALL, ATTACH or PRAGMA are not allowed.',
      );
    }
    throw new InputError(`The statement is not valid SQL: ${message}`);
  }
  const statements = Array.isArray(tree.statements)
    ? tree.statements.map(s => asObject(s) ?? {})
    : [];
  return { statements, json };
}

/** SQL text written back from a parse tree (comments and formatting gone). */
export async function writeSql(
  connection: DuckDBConnection,
  json: string,
): Promise<string> {
  const reader = await connection.runAndReadAll(
    'SELECT json_deserialize_sql($json::JSON) AS sql',
    { json },
  );
  return String(reader.getRowsJS()[0][0]);
}
