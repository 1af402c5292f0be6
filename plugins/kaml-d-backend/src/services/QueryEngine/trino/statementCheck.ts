import { InputError } from '@backstage/errors';

/** Words a Trino query (the grammar's `rootQuery`) starts with; `(` starts one too. */
const QUERY_STARTS = new Set(['SELECT', 'WITH', 'VALUES', 'TABLE']);

/**
 * The first word of a statement the way Trino's lexer reads it: whitespace is only space, tab,
 * `\r` and `\n`; a `--` comment ends at `\r` or `\n`; a `/* *\/` comment ends at the first `*\/`
 * (no nesting). Returns `(` when the statement opens with a parenthesis, `''` when it is empty.
 */
export function trinoLeadingWord(sql: string): string {
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      i += 2;
      while (i < sql.length && sql[i] !== '\r' && sql[i] !== '\n') i++;
    } else if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      if (close < 0) return '';
      i = close + 2;
    } else {
      break;
    }
  }
  if (sql[i] === '(') return '(';
  const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i));
  return word ? word[0].toUpperCase() : sql.slice(i, i + 1);
}

/**
 * Refuses a statement that is not a query in Trino's own grammar. Trino takes one statement per
 * request, so a query is all that runs; data definition, writes, `EXPLAIN ANALYZE`, `SET`,
 * `CALL`, `SHOW` and the like start with another word.
 */
export function requireQuery(sql: string): void {
  const word = trinoLeadingWord(sql);
  if (word === '(' || QUERY_STARTS.has(word)) return;
  throw new InputError(
    `SQL mode runs read-only queries only: start the statement with SELECT or WITH${
      word ? ` (Trino reads it as ${word})` : ''
    }.`,
  );
}

/** A table named by a Trino IO plan. */
interface PlanTable {
  catalog?: unknown;
  schemaTable?: { schema?: unknown; table?: unknown };
}

function planTableKey(table: PlanTable | undefined): string {
  return `${String(table?.catalog)}.${String(
    table?.schemaTable?.schema,
  )}.${String(table?.schemaTable?.table)}`;
}

/** What a Trino `EXPLAIN (TYPE IO, FORMAT JSON)` plan reads and writes. */
export interface IoPlan {
  /** `catalog.schema.table` of each table read. */
  inputs: string[];
  /** The table written, when the statement writes one. */
  output?: string;
}

/**
 * Reads an IO plan. Trino explains data definition statements with their own text, not a plan:
 * anything that is not a JSON plan object is refused.
 */
export function parseIoPlan(planText: string): IoPlan {
  let plan: unknown;
  try {
    plan = JSON.parse(planText);
  } catch {
    plan = undefined;
  }
  const infos =
    typeof plan === 'object' && plan !== null && 'inputTableColumnInfos' in plan
      ? plan.inputTableColumnInfos
      : undefined;
  if (!Array.isArray(infos)) {
    throw new InputError(
      'Trino did not plan the statement as a query; SQL mode runs read-only queries only (SELECT or WITH).',
    );
  }
  const output =
    typeof plan === 'object' && plan !== null && 'outputTable' in plan
      ? (plan.outputTable as PlanTable | null | undefined)
      : undefined;
  return {
    inputs: infos.map(info => planTableKey(info?.table)),
    output: output ? planTableKey(output) : undefined,
  };
}

/**
 * Checks an IO plan against the tables of the datasets the statement names: it writes nothing and
 * reads those tables only (system tables, information_schema and other catalogs included).
 */
export function checkIoPlan(plan: IoPlan, allowed: Set<string>): void {
  if (plan.output) {
    throw new InputError(
      `The statement writes to ${plan.output}; SQL mode is read-only, write a SELECT instead.`,
    );
  }
  const foreign = [...new Set(plan.inputs.filter(t => !allowed.has(t)))];
  if (foreign.length > 0) {
    throw new InputError(
      `The query reads tables that are not datasets it names (${foreign.join(
        ', ',
      )}); name datasets only, such as "my-dataset".`,
    );
  }
}
