/**
 * State of one dependency of the KAML-D backend.
 *
 * @public
 */
export interface DependencyHealth {
  /** What the backend depends on, such as `database`, `storage`, `query-engine`. */
  name: string;
  status: 'up' | 'down';
  /** Which implementation is configured, such as `sqlite`, `pg`, `duckdb`, `trino`. */
  kind?: string;
  /** Why the dependency is down, in words a person can act on. */
  message?: string;
}

/**
 * Answer of `GET /api/kaml-d/health`.
 *
 * @public
 */
export interface HealthResponse {
  /** `ok` when every dependency is up, `degraded` when some are down. */
  status: 'ok' | 'degraded';
  version: string;
  dependencies: DependencyHealth[];
}
