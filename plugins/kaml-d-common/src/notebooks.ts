/**
 * State of a user's notebook server on JupyterHub: `ready` (running), `pending` (starting or
 * stopping) or `stopped`.
 *
 * @public
 */
export type NotebookServerStatus = 'ready' | 'pending' | 'stopped';

/**
 * One of the signed-in user's JupyterHub servers.
 *
 * @public
 */
export interface NotebookServer {
  /** Server name; `''` is the user's default server. */
  name: string;
  status: NotebookServerStatus;
  /** What the hub is doing when pending, such as `spawn` or `stop`. */
  pending?: string;
  /** ISO 8601. */
  lastActivity?: string;
  startedAt?: string;
  /** JupyterLab of the server, as the browser reaches it. */
  url: string;
}

/**
 * Answer of `GET /notebooks/servers`.
 *
 * @public
 */
export interface NotebookServersResponse {
  /** The hub user the signed-in user is (the name part of their user entity ref). */
  user: string;
  /** The hub's address as the browser reaches it. */
  hubUrl: string;
  servers: NotebookServer[];
}

/**
 * Answer of the open-notebook routes: the starter notebook written into the user's server.
 *
 * @public
 */
export interface OpenNotebookResponse {
  user: string;
  /** Path of the notebook in the server, such as `kaml-d/finance-transactions.ipynb`. */
  path: string;
  /** JupyterLab with the notebook open. */
  url: string;
  /** The dataset the notebook loads. */
  entityRef: string;
  snapshot?: string;
  /** Files the first cell reads. */
  files: number;
  /** When the notebook's links to the data expire (ISO 8601). */
  expiresAt: string;
}
