import { InputError } from '@backstage/errors';
import { TreeObject, TreeValue } from './parseTree';

/** Table functions a query may call in FROM: they read no data of their own. */
export const ALLOWED_TABLE_FUNCTIONS = new Set([
  'unnest',
  'generate_series',
  'range',
]);

/** Expression classes of DuckDB's parse tree a query may hold. */
const EXPRESSION_CLASSES = new Set([
  'BETWEEN',
  'CASE',
  'CAST',
  'COLLATE',
  'COLUMN_REF',
  'COMPARISON',
  'CONJUNCTION',
  'CONSTANT',
  'FUNCTION',
  'LAMBDA',
  'LAMBDA_REF',
  'OPERATOR',
  'POSITIONAL_REFERENCE',
  'STAR',
  'SUBQUERY',
  'WINDOW',
]);

/** Query node and table reference types a query may hold (anything else is refused). */
const QUERY_NODES = new Set([
  'SELECT_NODE',
  'SET_OPERATION_NODE',
  'RECURSIVE_CTE_NODE',
]);
const TABLE_REFS = new Set([
  'BASE_TABLE',
  'JOIN',
  'SUBQUERY',
  'TABLE_FUNCTION',
  'EXPRESSION_LIST',
  'EMPTY',
  'PIVOT',
  'SHOW_REF',
]);

/** Typed parts of the tree with nothing to check of their own (modifiers, orders, types). */
const PLAIN_TYPES =
  /_MODIFIER$|_TYPE_INFO$|^(ASCENDING|DESCENDING|ORDER_DEFAULT)$/;

/** Which functions a query may call (see functionPolicy.ts). */
export interface FunctionPolicy {
  allows(name: string): boolean;
}

/** Names visible as tables at one point of the tree: CTEs of enclosing WITH clauses. */
interface Scope {
  ctes: ReadonlySet<string>;
  parent?: Scope;
}

function fail(message: string): never {
  throw new InputError(message);
}

const text = (value: TreeValue | undefined): string =>
  typeof value === 'string' ? value : '';

function objectOf(value: TreeValue | undefined): TreeObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? value
    : undefined;
}

function inScope(scope: Scope | undefined, name: string): boolean {
  for (let s = scope; s; s = s.parent) if (s.ctes.has(name)) return true;
  return false;
}

const withCtes = (scope: Scope, names: string[]): Scope =>
  names.length ? { ctes: new Set(names), parent: scope } : scope;

/**
 * Walks a DuckDB parse tree (one statement from `json_serialize_sql`) and throws InputError
 * unless it only reads the given datasets: every table is an unqualified dataset name or a CTE
 * visible where it is named, table functions come from a short list, functions from `functions`,
 * and no node is of a kind the check does not know. Every field of every node is visited.
 */
export function checkStatement(
  statement: TreeObject,
  datasets: ReadonlySet<string>,
  functions: FunctionPolicy,
): void {
  const known = new Set([...datasets].map(d => d.toLowerCase()));

  function visit(value: TreeValue | undefined, scope: Scope): void {
    if (Array.isArray(value)) {
      for (const item of value) visit(item, scope);
      return;
    }
    const node = objectOf(value);
    if (!node) return;
    const type = node.type;
    if (typeof node.class === 'string') {
      expression(node, scope);
    } else if (typeof type !== 'string') {
      fields(node, scope);
    } else if (QUERY_NODES.has(type)) {
      queryNode(node, scope);
    } else if (TABLE_REFS.has(type)) {
      tableRef(node, type, scope);
    } else if (PLAIN_TYPES.test(type)) {
      fields(node, scope);
    } else if (type.endsWith('_NODE')) {
      fail(
        `SQL mode runs queries only; DuckDB read this statement as ${type}.`,
      );
    } else {
      fail(
        `SQL mode does not allow ${type.toLowerCase()} in a query; rewrite it with SELECT, FROM, JOIN and functions.`,
      );
    }
  }

  function fields(node: TreeObject, scope: Scope, skip: string[] = []) {
    for (const [key, child] of Object.entries(node)) {
      if (!skip.includes(key)) visit(child, scope);
    }
  }

  function queryNode(node: TreeObject, scope: Scope) {
    // each CTE sees the ones before it, not itself (unless recursive) nor later ones
    const entries = (objectOf(node.cte_map)?.map ?? []) as TreeValue[];
    const names: string[] = [];
    for (const entry of Array.isArray(entries) ? entries : []) {
      const cte = objectOf(entry);
      const name = text(cte?.key).toLowerCase();
      visit(cte?.value, withCtes(scope, names));
      names.push(name);
    }
    const inner = withCtes(scope, names);
    if (node.type === 'RECURSIVE_CTE_NODE') {
      visit(node.left, inner);
      visit(node.right, withCtes(inner, [text(node.cte_name).toLowerCase()]));
      fields(node, inner, ['cte_map', 'left', 'right']);
      return;
    }
    fields(node, inner, ['cte_map']);
  }

  function tableRef(node: TreeObject, type: string, scope: Scope) {
    if (type === 'BASE_TABLE') {
      const name = text(node.table_name);
      const qualified = [node.catalog_name, node.schema_name, name]
        .map(text)
        .filter(Boolean)
        .join('.');
      if (text(node.catalog_name) || text(node.schema_name)) {
        fail(
          `Name datasets by their catalog name only, such as "my-dataset" or "namespace/my-dataset" — not ${qualified}; other catalogs and schemas cannot be read.`,
        );
      }
      if (node.at_clause) {
        fail(`AT (…) is not supported on "${name}"; remove it.`);
      }
      const lower = name.toLowerCase();
      if (!inScope(scope, lower) && !known.has(lower)) {
        fail(
          `"${name}" is not a dataset of this query; name datasets in FROM or JOIN in double quotes, such as "my-dataset" (system tables and files cannot be read).`,
        );
      }
      fields(node, scope, ['table_name']);
      return;
    }
    if (type === 'TABLE_FUNCTION') {
      const fn = objectOf(node.function);
      const name = text(fn?.function_name).toLowerCase();
      if (
        !fn ||
        text(fn.catalog) ||
        !['', 'main'].includes(text(fn.schema)) ||
        !ALLOWED_TABLE_FUNCTIONS.has(name)
      ) {
        fail(
          `Table functions such as ${
            name || 'this one'
          }(…) are not allowed (only ${[...ALLOWED_TABLE_FUNCTIONS].join(
            ', ',
          )}); name a dataset instead, such as "my-dataset".`,
        );
      }
      fields(fn, scope, ['function_name']);
      fields(node, scope, ['function']);
      return;
    }
    if (type === 'SHOW_REF' && text(node.table_name)) {
      fail(
        `SHOW ${text(
          node.table_name,
        )} is not allowed; DESCRIBE or SUMMARIZE a query over a dataset instead.`,
      );
    }
    fields(node, scope);
  }

  function expression(node: TreeObject, scope: Scope) {
    const cls = text(node.class);
    if (cls === 'PARAMETER') {
      fail(
        'Parameters ($1, ?) cannot be bound in SQL mode; write the value itself.',
      );
    }
    if (!EXPRESSION_CLASSES.has(cls)) {
      fail(
        `SQL mode does not allow ${cls.toLowerCase()} expressions in a query.`,
      );
    }
    if (cls === 'FUNCTION' || cls === 'WINDOW') {
      const name = text(node.function_name).toLowerCase();
      if (text(node.catalog) || !['', 'main'].includes(text(node.schema))) {
        fail(
          `Call functions by their name only, not ${[
            node.catalog,
            node.schema,
            name,
          ]
            .map(text)
            .filter(Boolean)
            .join('.')}(…).`,
        );
      }
      if (!functions.allows(name)) {
        fail(
          `The function ${name}(…) is not allowed in SQL mode: it reads settings, variables, the environment or the system catalog, or has effects outside the query.`,
        );
      }
    }
    fields(node, scope);
  }

  visit(objectOf(statement.node), { ctes: new Set() });
}
