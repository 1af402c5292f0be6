import { InputError } from '@backstage/errors';
import { checkStatement } from './checkTree';
import { functionPolicy } from './functionPolicy';
import { parseSql, withParser, writeSql } from './parseTree';
import { sizedSql } from './sizedResult';

/**
 * The statement DuckDB runs for a user's query, built so that it is exactly what was checked:
 * `sql` is parsed by DuckDB's own parser (in an instance that holds nothing and reads nothing),
 * refused unless it is one query that reads only `datasets` (see {@link checkStatement}),
 * written back from its tree (no comments, no second statement), wrapped in the row limit and
 * the per-value sizes of {@link sizedSql}, and
 * that final text is parsed and checked again. The caller prepares the result, and a prepared
 * statement cannot hold a second statement.
 */
export async function readOnlyQuery(
  sql: string,
  datasets: ReadonlySet<string>,
  maxRows: number,
): Promise<string> {
  const functions = await functionPolicy();
  return withParser(async connection => {
    const parsed = await parseSql(connection, sql);
    if (parsed.statements.length === 0) {
      throw new InputError(
        'The statement is empty; write a query such as SELECT * FROM "my-dataset".',
      );
    }
    if (parsed.statements.length > 1) {
      throw new InputError(
        'SQL mode runs one statement at a time; remove the ";" and everything after it.',
      );
    }
    checkStatement(parsed.statements[0], datasets, functions);
    const written = await writeSql(connection, parsed.json);
    const wrapped = sizedSql(written, maxRows);
    const final = await parseSql(connection, wrapped);
    if (final.statements.length !== 1) {
      throw new Error(
        'the query written back from its tree is not one statement',
      );
    }
    checkStatement(final.statements[0], datasets, functions);
    return wrapped;
  });
}
