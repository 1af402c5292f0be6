// Keyword sets of the SQL guard (sqlGuard.ts): what it refuses, allows and reads as clause ends.

/** Statements SQL mode refuses wherever they appear, with the reason shown to the user. */
export const FORBIDDEN = new Set([
  'INSERT',
  'UPDATE',
  'DELETE',
  'MERGE',
  'UPSERT',
  'CREATE',
  'DROP',
  'ALTER',
  'TRUNCATE',
  'COPY',
  'ATTACH',
  'DETACH',
  'PRAGMA',
  'INSTALL',
  'LOAD',
  'GRANT',
  'REVOKE',
  'VACUUM',
  'CALL',
]);

/** Table functions allowed in FROM: they read no data of their own. */
export const ALLOWED_TABLE_FUNCTIONS = new Set([
  'UNNEST',
  'GENERATE_SERIES',
  'RANGE',
]);

/** Functions whose parentheses may contain `FROM` that is not a table reference. */
export const FROM_IN_FUNCTION = new Set([
  'EXTRACT',
  'SUBSTRING',
  'TRIM',
  'OVERLAY',
  'POSITION',
]);

/** Words that end a FROM item (so they are not read as an alias). */
export const CLAUSE_WORDS = new Set([
  'WHERE',
  'GROUP',
  'HAVING',
  'ORDER',
  'LIMIT',
  'OFFSET',
  'FETCH',
  'UNION',
  'INTERSECT',
  'EXCEPT',
  'JOIN',
  'INNER',
  'LEFT',
  'RIGHT',
  'FULL',
  'CROSS',
  'NATURAL',
  'ON',
  'USING',
  'WINDOW',
  'QUALIFY',
  'TABLESAMPLE',
  'USING',
  'SAMPLE',
  'POSITIONAL',
  'ASOF',
  'ANTI',
  'SEMI',
  'LATERAL',
  'SELECT',
  'FROM',
  'WITH',
  'VALUES',
]);
