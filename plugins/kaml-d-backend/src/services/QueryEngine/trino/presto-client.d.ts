// Types of the parts of `presto-client` (which ships none) used by the Trino discovery provider
// (plugins/catalog-backend-module-kaml-d); the query engine speaks the client protocol itself.
declare module 'presto-client' {
  export interface PrestoColumn {
    name: string;
    type: string;
  }
  export interface PrestoClientOptions {
    host: string;
    port: number;
    user: string;
    catalog?: string;
    schema?: string;
    source?: string;
    engine?: 'presto' | 'trino';
    timeout?: number;
    checkInterval?: number;
    ssl?: Record<string, unknown>;
    basic_auth?: { user: string; password: string };
  }
  export interface PrestoExecuteOptions {
    query: string;
    catalog?: string;
    schema?: string;
    session?: string;
    /** Seconds; the client kills the query after it. */
    timeout?: number;
    columns?: (error: unknown, columns: PrestoColumn[]) => void;
    data?: (
      error: unknown,
      data: unknown[][],
      columns: PrestoColumn[],
      stats: unknown,
    ) => void;
    success?: (error: unknown, stats: unknown) => void;
    error?: (error: unknown) => void;
    /** Polled between pages; returning true cancels the query. */
    cancel?: () => boolean;
  }
  export class Client {
    constructor(options: PrestoClientOptions);
    execute(options: PrestoExecuteOptions): void;
  }
}
