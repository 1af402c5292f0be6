import { InputError } from '@backstage/errors';

/** Message prefixes of engine errors caused by the statement or the data, not the server. */
const USER_ERROR = [
  /^Parser Error/i,
  /^Binder Error/i,
  /^Catalog Error/i,
  /^Conversion Error/i,
  /^Invalid Input Error/i,
  /^Out of Range Error/i,
  /^Permission Error/i,
  /^Not implemented Error/i,
  /^Invalid Error/i,
  /^Sniffing/i,
  /^IO Error/i, // unreadable or malformed files of the dataset
  /^line \d+:\d+:/i, // Trino syntax and semantic errors
  /SYNTAX_ERROR|COLUMN_NOT_FOUND|TABLE_NOT_FOUND|TYPE_MISMATCH|INVALID_|NOT_SUPPORTED|MISSING_/,
];

/** True when the engine was stopped by the time limit. */
export function isInterrupt(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /^INTERRUPT Error|Interrupted|EXCEEDED_TIME_LIMIT|query_max_execution_time|USER_CANCELED/i.test(
    message,
  );
}

/**
 * Turns an engine error into something the caller can act on: statement and data errors become
 * InputError with the engine's words, time-outs an InputError naming the limit; the rest is
 * rethrown as is (a server problem).
 */
export function toQueryError(
  error: unknown,
  context: string,
  timeoutMs: number,
  /** Local paths to show by another name (the object they hold), so no server path leaks. */
  aliases: Map<string, string> = new Map(),
): Error {
  // our own refusals (result too large, …) already say what to change
  if (error instanceof InputError) return error;
  let message = (
    error instanceof Error ? error.message : String(error)
  ).replace(/^Error:\s*/, '');
  for (const [path, alias] of aliases)
    message = message.split(path).join(alias);
  if (isInterrupt(error)) {
    return new InputError(
      `${context} ran longer than ${Math.round(
        timeoutMs / 1000,
      )} s and was stopped; filter the data or select fewer rows.`,
    );
  }
  if (/^Out of Memory Error/i.test(message)) {
    return new InputError(
      `${context} needed more memory than a query may use (kamlD.query.duckdb.memoryLimit, processMemoryLimit) and was stopped; filter or aggregate the data, or select fewer rows. ${
        message.split('\n')[0]
      }`,
    );
  }
  if (USER_ERROR.some(pattern => pattern.test(message))) {
    return new InputError(`${context} failed: ${message.split('\n')[0]}`);
  }
  return new Error(`${context} failed: ${message.split('\n')[0]}`);
}
