// Minimal typings for presto-client (the package ships none): what the rig's tests use.
declare module 'presto-client' {
  interface ClientOptions {
    host?: string;
    port?: number;
    user?: string;
    source?: string;
    catalog?: string;
    schema?: string;
    engine?: 'presto' | 'trino';
    timeout?: number;
    basic_auth?: { user: string; password: string };
  }
  interface ExecuteOptions {
    query: string;
    catalog?: string;
    schema?: string;
    timeout?: number;
    columns?: (error: unknown, columns: { name: string; type: string }[]) => void;
    data?: (error: unknown, data: unknown[][], columns: unknown, stats: unknown) => void;
    success?: (error: unknown, stats: unknown) => void;
    error?: (error: { message?: string }) => void;
  }
  class Client {
    constructor(options: ClientOptions);
    execute(options: ExecuteOptions): void;
  }
  const presto: { Client: typeof Client };
  export default presto;
}
