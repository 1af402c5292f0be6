import { TrinoEngineConfig } from '../config';

/** A column as Trino's client protocol describes it. */
export interface TrinoColumn {
  name: string;
  type: string;
}

/** What one statement returned: `truncated` when the row cap stopped it. */
export interface TrinoResult {
  columns: TrinoColumn[];
  rows: unknown[][];
  truncated: boolean;
}

/** Limits of one statement. */
export interface TrinoRunLimits {
  /** Time after which the client cancels the query (Trino's own limit is set below it). */
  timeoutMs: number;
  /** Rows kept at most; one more row arriving sets `truncated` and cancels the query. */
  maxRows?: number;
  /** Bytes of response bodies read at most; past it the query is cancelled (TrinoResultTooLarge). */
  maxBytes: number;
  /** `X-Trino-Session` properties. */
  session: Record<string, string>;
}

interface Page {
  nextUri?: string;
  columns?: TrinoColumn[];
  data?: unknown[][];
  error?: { message?: string; errorName?: string };
}

/** Envelope bytes a page may have besides its rows (ids, URIs, statistics, column types). */
const PAGE_OVERHEAD = 256 * 1024;

/** The answer of Trino to a statement it refused or failed: message and error name. */
export class TrinoError extends Error {
  constructor(message: string, readonly errorName?: string) {
    super(errorName ? `${message} (${errorName})` : message);
  }
}

class TooLarge extends Error {}

/** The statement's responses passed the byte budget after `rows` rows; the query was cancelled. */
export class TrinoResultTooLarge extends Error {
  constructor(readonly maxBytes: number, readonly rows: number) {
    super(`the result passed ${maxBytes} bytes after ${rows} rows`);
  }
}

/**
 * Trino's client protocol (POST /v1/statement, then each `nextUri`) over fetch. Every response
 * body is read as a stream and abandoned once the statement's byte budget is spent, so one huge
 * value never sits whole in the backend's memory; the query is then cancelled on the server.
 */
export class TrinoClient {
  private readonly base: string;
  private readonly headers: Record<string, string>;

  constructor(config: TrinoEngineConfig) {
    this.base = `${config.ssl ? 'https' : 'http'}://${config.host}:${
      config.port
    }`;
    this.headers = {
      'X-Trino-User': config.user,
      'X-Trino-Source': 'kaml-d',
      'X-Trino-Catalog': config.catalog,
      'X-Trino-Schema': config.schema,
      ...(config.password
        ? {
            Authorization: `Basic ${Buffer.from(
              `${config.user}:${config.password}`,
            ).toString('base64')}`,
          }
        : {}),
    };
  }

  async run(sql: string, limits: TrinoRunLimits): Promise<TrinoResult> {
    const deadline = Date.now() + limits.timeoutMs;
    const result: TrinoResult = { columns: [], rows: [], truncated: false };
    let budget = limits.maxBytes + PAGE_OVERHEAD;
    let page: Page & { bytes: number };
    try {
      page = await this.request(
        `${this.base}/v1/statement`,
        {
          method: 'POST',
          headers: {
            ...this.headers,
            'X-Trino-Session': Object.entries(limits.session)
              .map(([k, v]) => `${k}=${v}`)
              .join(','),
          },
          body: sql,
        },
        budget,
        deadline,
      );
    } catch (error) {
      if (error instanceof TooLarge)
        throw new TrinoResultTooLarge(limits.maxBytes, 0);
      throw error;
    }
    for (;;) {
      if (page.error) {
        throw new TrinoError(
          page.error.message ?? 'Trino failed the statement',
          page.error.errorName,
        );
      }
      if (page.columns) result.columns = page.columns;
      for (const row of page.data ?? []) {
        if (
          limits.maxRows !== undefined &&
          result.rows.length >= limits.maxRows
        ) {
          result.truncated = true;
          break;
        }
        result.rows.push(row);
      }
      const next = page.nextUri;
      if (!next) return result;
      if (result.truncated) {
        await this.cancel(next);
        return result;
      }
      if (Date.now() > deadline) {
        await this.cancel(next);
        throw new TrinoError('Interrupted: the query ran past its time limit');
      }
      // pages without rows (progress while the query runs) do not spend the budget
      if (page.data?.length) budget -= page.bytes;
      try {
        page = await this.request(
          withTargetSize(next, budget),
          { headers: this.headers },
          budget,
          deadline,
        );
      } catch (error) {
        if (!(error instanceof TooLarge)) throw error;
        await this.cancel(next);
        throw new TrinoResultTooLarge(limits.maxBytes, result.rows.length);
      }
    }
  }

  /** One protocol request; retries while Trino answers 502/503/504 (busy), as clients must. */
  private async request(
    url: string,
    init: RequestInit,
    budget: number,
    deadline: number,
  ): Promise<Page & { bytes: number }> {
    for (let attempt = 0; ; attempt++) {
      const abort = new AbortController();
      const timer = setTimeout(
        () => abort.abort(),
        Math.max(1, deadline - Date.now()),
      );
      try {
        const res = await fetch(url, { ...init, signal: abort.signal });
        if ([502, 503, 504].includes(res.status) && attempt < 20) {
          await res.body?.cancel();
          await new Promise(r => setTimeout(r, 100 * (attempt + 1)));
          continue;
        }
        const text = await readCapped(res, budget, abort);
        if (!res.ok) {
          throw new TrinoError(
            `Trino answered HTTP ${res.status}: ${text.slice(0, 200)}`,
          );
        }
        return { ...(JSON.parse(text) as Page), bytes: text.length };
      } catch (error) {
        if (abort.signal.aborted && !(error instanceof TooLarge)) {
          throw new TrinoError(
            'Interrupted: the query ran past its time limit',
          );
        }
        throw error;
      } finally {
        clearTimeout(timer);
      }
    }
  }

  private async cancel(nextUri: string): Promise<void> {
    try {
      const res = await fetch(nextUri, {
        method: 'DELETE',
        headers: this.headers,
      });
      await res.body?.cancel();
    } catch {
      // the query ends with its time limit anyway
    }
  }
}

/**
 * Asks Trino for pages of at most 1 MB (or the budget left), so rows arrive in pieces that fit
 * the budget rather than one page that passes it.
 */
function withTargetSize(nextUri: string, budget: number): string {
  const url = new URL(nextUri);
  const kb = Math.max(1, Math.min(1024, Math.floor(budget / 2 / 1024)));
  url.searchParams.set('targetResultSize', `${kb}kB`);
  return url.toString();
}

/** The body as text, abandoned (TooLarge) once it passes `budget` bytes. */
async function readCapped(
  res: Response,
  budget: number,
  abort: AbortController,
): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Buffer[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > budget) {
      abort.abort();
      throw new TooLarge();
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks).toString('utf8');
}
