import { checkStatement, FunctionPolicy } from './checkTree';
import { parseSql, withParser } from './parseTree';

/**
 * Functions no query may call although DuckDB has them: they read settings, variables, the
 * environment, the catalog or the session, parse or plan other SQL, write logs, or sleep.
 */
export const DENIED_FUNCTIONS = new Set([
  'current_setting',
  'getvariable',
  'getenv',
  'current_query',
  'current_query_id',
  'current_database',
  'current_catalog',
  'current_schema',
  'current_schemas',
  'current_connection_id',
  'current_transaction_id',
  'txid_current',
  'in_search_path',
  'nextval',
  'currval',
  'json_serialize_sql',
  'json_deserialize_sql',
  'json_serialize_plan',
  'json_execute_serialized_sql',
  'parse_duckdb_log_message',
  'write_log',
  'sleep_ms',
  'pg_sleep',
  'stats',
]);

/** Functions the parser writes that the catalog lists under another kind (or not at all). */
const PARSER_FUNCTIONS = ['unnest', 'unlist', 'grouping', 'grouping_id'];

let policy: Promise<FunctionPolicy> | undefined;

/**
 * The functions of this DuckDB build a query may call: its scalar and aggregate functions but
 * {@link DENIED_FUNCTIONS}, and the macros whose every definition passes the same check (a
 * macro such as `pg_get_viewdef` expands to a read of the system catalog, so it is refused).
 * Computed once, from `duckdb_functions()` of the parser instance.
 */
export function functionPolicy(): Promise<FunctionPolicy> {
  policy ??= withParser(async connection => {
    const reader = await connection.runAndReadAll(
      `SELECT function_name, function_type, macro_definition FROM duckdb_functions()
       WHERE function_type IN ('scalar', 'aggregate', 'macro')`,
    );
    const allowed = new Set<string>(PARSER_FUNCTIONS);
    const macros = new Map<string, string[]>();
    for (const [name, type, definition] of reader.getRowsJS()) {
      const key = String(name).toLowerCase();
      if (type === 'macro') {
        macros.set(key, [...(macros.get(key) ?? []), String(definition)]);
      } else {
        allowed.add(key);
      }
    }
    for (const name of [...DENIED_FUNCTIONS, ...macros.keys()])
      allowed.delete(name);
    const current: FunctionPolicy = { allows: n => allowed.has(n) };
    // macros may call macros: add those that pass until no more do
    for (let changed = true; changed; ) {
      changed = false;
      for (const [name, definitions] of macros) {
        if (DENIED_FUNCTIONS.has(name) || allowed.has(name)) continue;
        let passes = true;
        for (const definition of definitions) {
          try {
            const parsed = await parseSql(connection, `SELECT ${definition}`);
            if (parsed.statements.length !== 1) throw new Error('not one');
            checkStatement(parsed.statements[0], new Set(), current);
          } catch {
            passes = false;
            break;
          }
        }
        if (passes) {
          allowed.add(name);
          changed = true;
        }
      }
    }
    return current;
  });
  return policy;
}
