import { InputError } from '@backstage/errors';
import { GuardedStatement } from '@kaml-d/plugin-kaml-d-node';
import {
  ALLOWED_TABLE_FUNCTIONS,
  CLAUSE_WORDS,
  FORBIDDEN,
  FROM_IN_FUNCTION,
} from './sqlWords';

/** Longest statement accepted, in characters. */
export const MAX_SQL_LENGTH = 20_000;

type TokenType = 'word' | 'quoted' | 'string' | 'number' | 'punct';

interface Token {
  type: TokenType;
  /** Word in upper case, quoted identifier unescaped, punctuation as is. */
  value: string;
  start: number;
  end: number;
}

/**
 * Spaces: ASCII and Unicode ones (no-break, ideographic, zero-width …). DuckDB reads Unicode
 * spaces as spaces where they would otherwise make the statement invalid, so the guard always
 * does, and never takes them for part of a word.
 */
const SPACE = /[\s\u0085\u180e\u200b]/;
/** Characters that end a `--` comment: any line terminator (DuckDB and Trino stop at \r too). */
const LINE_END = /[\n\r\v\f\u0085\u2028\u2029]/;
const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;
const isWordStart = (c: string) => WORD_START.test(c) && !SPACE.test(c);
const isWordPart = (c: string) => WORD_PART.test(c) && !SPACE.test(c);

function fail(message: string): never {
  throw new InputError(message);
}

/** Splits SQL into tokens; comments and whitespace are dropped. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i];
    if (SPACE.test(c)) {
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      while (i < n && !LINE_END.test(sql[i])) i++;
    } else if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      if (close < 0) fail('A /* comment is not closed; add */ or remove it.');
      i = close + 2;
    } else if (c === "'" || ((c === 'E' || c === 'e') && sql[i + 1] === "'")) {
      const start = i;
      const escapes = c !== "'";
      i += escapes ? 2 : 1;
      let value = '';
      for (;;) {
        if (i >= n)
          fail("A string literal is not closed; add the closing quote (').");
        if (escapes && sql[i] === '\\') {
          value += sql[i + 1] ?? '';
          i += 2;
        } else if (sql[i] === "'") {
          if (sql[i + 1] === "'") {
            value += "'";
            i += 2;
          } else {
            i++;
            break;
          }
        } else {
          value += sql[i++];
        }
      }
      tokens.push({ type: 'string', value, start, end: i });
    } else if (c === '"') {
      const start = i;
      i++;
      let value = '';
      for (;;) {
        if (i >= n)
          fail(
            'A quoted name is not closed; add the closing double quote (").',
          );
        if (sql[i] === '"') {
          if (sql[i + 1] === '"') {
            value += '"';
            i += 2;
          } else {
            i++;
            break;
          }
        } else {
          value += sql[i++];
        }
      }
      tokens.push({ type: 'quoted', value, start, end: i });
    } else if (c === '$' && /[A-Za-z_$]/.test(sql[i + 1] ?? '')) {
      // dollar-quoted string: $tag$ … $tag$ (or $$ … $$)
      const match = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      if (!match) {
        tokens.push({ type: 'punct', value: c, start: i, end: i + 1 });
        i++;
        continue;
      }
      const close = sql.indexOf(match[0], i + match[0].length);
      if (close < 0)
        fail(
          `A ${match[0]} string is not closed; add the closing ${match[0]}.`,
        );
      tokens.push({
        type: 'string',
        value: sql.slice(i + match[0].length, close),
        start: i,
        end: close + match[0].length,
      });
      i = close + match[0].length;
    } else if (isWordStart(c)) {
      const start = i;
      while (i < n && isWordPart(sql[i])) i++;
      tokens.push({
        type: 'word',
        value: sql.slice(start, i).toUpperCase(),
        start,
        end: i,
      });
    } else if (
      /[0-9]/.test(c) ||
      (c === '.' && /[0-9]/.test(sql[i + 1] ?? ''))
    ) {
      const start = i;
      while (i < n && /[0-9.eE_]/.test(sql[i])) i++;
      tokens.push({
        type: 'number',
        value: sql.slice(start, i),
        start,
        end: i,
      });
    } else {
      tokens.push({ type: 'punct', value: c, start: i, end: i + 1 });
      i++;
    }
  }
  return tokens;
}

/** The text of a name token as SQL resolves it: quoted as written, bare folded to lower case. */
function nameOf(sql: string, token: Token): string {
  return token.type === 'quoted'
    ? token.value
    : sql.slice(token.start, token.end).toLowerCase();
}

const isName = (t: Token | undefined): t is Token =>
  t !== undefined && (t.type === 'quoted' || t.type === 'word');

/**
 * Checks that `sql` is exactly one read-only query (`SELECT …` or `WITH … SELECT …`) and finds
 * the datasets it reads: each name in a FROM or JOIN position that is not a CTE. Throws
 * InputError saying what to change otherwise.
 */
export function guardSql(input: string): GuardedStatement {
  if (input.length > MAX_SQL_LENGTH) {
    fail(
      `The statement is longer than ${MAX_SQL_LENGTH} characters; shorten it.`,
    );
  }
  let tokens = tokenize(input);

  // one statement: a trailing semicolon is fine, anything after it is not
  const semicolon = tokens.findIndex(
    t => t.type === 'punct' && t.value === ';',
  );
  if (semicolon >= 0) {
    if (
      tokens
        .slice(semicolon + 1)
        .some(t => !(t.type === 'punct' && t.value === ';'))
    ) {
      fail(
        'SQL mode runs one statement at a time; remove the ";" and everything after it.',
      );
    }
    tokens = tokens.slice(0, semicolon);
  }
  if (tokens.length === 0)
    fail(
      'The statement is empty; write a query such as SELECT * FROM "my-dataset".',
    );
  const sql = input.slice(0, tokens[tokens.length - 1].end).slice(0, undefined);

  const first = tokens.find(t => !(t.type === 'punct' && t.value === '('));
  if (
    !first ||
    first.type !== 'word' ||
    (first.value !== 'SELECT' && first.value !== 'WITH')
  ) {
    const what = first?.type === 'word' ? first.value : 'it';
    fail(
      `SQL mode is read-only: start the statement with SELECT or WITH (${what} is not allowed).`,
    );
  }
  for (const token of tokens) {
    if (token.type === 'word' && FORBIDDEN.has(token.value)) {
      fail(
        `SQL mode is read-only: remove ${
          token.value
        }. If ${token.value.toLowerCase()} is a column name, quote it ("${token.value.toLowerCase()}").`,
      );
    }
  }

  // names defined by WITH clauses (at any depth) are not datasets
  const cteNames = new Set<string>();
  tokens.forEach((token, index) => {
    if (!(token.type === 'word' && token.value === 'WITH')) return;
    let i = index + 1;
    if (tokens[i]?.type === 'word' && tokens[i].value === 'RECURSIVE') i++;
    for (;;) {
      const name = tokens[i];
      if (!isName(name)) return;
      cteNames.add(nameOf(input, name));
      i++;
      // optional column list, AS, [NOT] MATERIALIZED, then the parenthesised body
      if (tokens[i]?.value === '(') i = skipParens(tokens, i);
      if (tokens[i]?.value !== 'AS') return;
      i++;
      while (tokens[i]?.value === 'NOT' || tokens[i]?.value === 'MATERIALIZED')
        i++;
      if (tokens[i]?.value !== '(') return;
      i = skipParens(tokens, i);
      if (tokens[i]?.value !== ',') return;
      i++;
    }
  });

  const references: GuardedStatement['references'] = [];
  const parenOwners: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.type === 'punct' && token.value === '(') {
      const before = tokens[i - 1];
      parenOwners.push(before?.type === 'word' ? before.value : '');
      continue;
    }
    if (token.type === 'punct' && token.value === ')') {
      parenOwners.pop();
      continue;
    }
    // FROM and JOIN items, and `TABLE name` (a query that reads a whole table)
    if (
      token.type !== 'word' ||
      (token.value !== 'FROM' &&
        token.value !== 'JOIN' &&
        token.value !== 'TABLE')
    ) {
      continue;
    }
    if (token.value === 'FROM') {
      if (FROM_IN_FUNCTION.has(parenOwners[parenOwners.length - 1] ?? ''))
        continue;
      if (tokens[i - 1]?.value === 'DISTINCT') continue; // IS [NOT] DISTINCT FROM
    }
    // one or more FROM items separated by commas
    let j = i + 1;
    for (;;) {
      if (tokens[j]?.type === 'word' && tokens[j].value === 'LATERAL') j++;
      const item = tokens[j];
      if (!item) {
        fail(
          `${token.value} needs a dataset name after it, such as "my-dataset".`,
        );
      }
      if (item.type === 'punct' && item.value === '(') {
        // a subquery: its own FROM items are scanned where they stand
        j = skipParens(tokens, j);
      } else if (item.type === 'string') {
        fail(
          `Reading files by path is not allowed ('${item.value}'); name a dataset instead, such as "my-dataset".`,
        );
      } else if (!isName(item)) {
        fail(
          `${token.value} needs a dataset name after it, such as "my-dataset".`,
        );
      } else if (tokens[j + 1]?.value === '(') {
        if (
          !(item.type === 'word' && ALLOWED_TABLE_FUNCTIONS.has(item.value))
        ) {
          fail(
            `Table functions such as ${nameOf(
              input,
              item,
            )}(…) are not allowed; name a dataset instead, such as "my-dataset".`,
          );
        }
        j = skipParens(tokens, j + 1);
      } else if (tokens[j + 1]?.value === '.') {
        fail(
          `Name datasets by their catalog name only, such as "my-dataset" or "namespace/my-dataset" — not ${input.slice(
            item.start,
            tokens[j + 2]?.end ?? item.end,
          )}.`,
        );
      } else {
        // seattle-weather unquoted reads as seattle minus weather: say how to write it
        let k = j;
        while (
          item.type === 'word' &&
          tokens[k + 1]?.value === '-' &&
          tokens[k + 1].start === tokens[k].end &&
          (tokens[k + 2]?.type === 'word' || tokens[k + 2]?.type === 'number') &&
          tokens[k + 2].start === tokens[k + 1].end
        )
          k += 2;
        if (k > j) {
          const written = input.slice(item.start, tokens[k].end);
          fail(
            `A dataset name with a hyphen must be in double quotes: write ${token.value} "${written}" instead of ${token.value} ${written}.`,
          );
        }
        const name = nameOf(input, item);
        if (!cteNames.has(name))
          references.push({ name, start: item.start, end: item.end });
        j++;
      }
      // optional alias and column aliases
      if (tokens[j]?.value === 'AS') j++;
      if (
        isName(tokens[j]) &&
        !(tokens[j].type === 'word' && CLAUSE_WORDS.has(tokens[j].value))
      )
        j++;
      if (tokens[j]?.value === '(') j = skipParens(tokens, j);
      if (tokens[j]?.value !== ',' || token.value !== 'FROM') break;
      j++;
    }
  }
  return { sql, references };
}

/** Index just after the parenthesis group that opens at `open`. */
function skipParens(tokens: Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (tokens[i].value === '(' && tokens[i].type === 'punct') depth++;
    if (tokens[i].value === ')' && tokens[i].type === 'punct') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return fail('A parenthesis is not closed; add the missing ")".');
}
