import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';

/** A named server of a hub user, as the hub's REST API describes it. */
export interface HubServer {
  name: string;
  ready: boolean;
  pending: string | null;
  stopped?: boolean;
  url: string;
  last_activity: string | null;
  started: string | null;
}

/** A hub user with their servers (stopped ones included). */
export interface HubUser {
  name: string;
  last_activity: string | null;
  servers: Record<string, HubServer>;
}

/** The calls KAML-D makes to JupyterHub's REST API and, through the hub's proxy, to a server. */
export interface HubClient {
  /** The user, or `undefined` when the hub has none of that name. */
  getUser(name: string): Promise<HubUser | undefined>;
  createUser(name: string): Promise<void>;
  /** Asks the hub to start the user's default server (no-op answer when already running). */
  startServer(name: string): Promise<void>;
  /**
   * Asks the hub to stop a server of the user (`''`: the default one). Answers whether the hub
   * stopped it at once (`stopped`) or is stopping it (`stopping`); a server that is not running
   * counts as stopped.
   */
  stopServer(name: string, server: string): Promise<'stopped' | 'stopping'>;
  /** Writes a file into the user's running server (Jupyter Server contents API). */
  putContents(user: string, path: string, model: object): Promise<void>;
  /** Throws when the hub cannot be reached or refuses the token. */
  check(): Promise<void>;
}

/** A path below `/api/contents/`, each segment escaped. */
export function contentsPath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** A hub client over `fetch`, authenticated with the service's API token. */
export function createHubClient(options: {
  hubUrl: string;
  token: string;
  fetch?: typeof fetch;
}): HubClient {
  const doFetch = options.fetch ?? fetch;
  const headers = {
    Authorization: `token ${options.token}`,
    Accept: 'application/json',
  };

  async function call(
    method: string,
    path: string,
    body?: object,
  ): Promise<Response> {
    let response: Response;
    try {
      response = await doFetch(`${options.hubUrl}${path}`, {
        method,
        headers: body
          ? { ...headers, 'Content-Type': 'application/json' }
          : headers,
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new ServiceUnavailableError(
        `JupyterHub at ${options.hubUrl} cannot be reached (${
          (error as Error).message
        }); the notebooks dependency is down.`,
      );
    }
    return response;
  }

  /** The hub's own words from an error body: its JSON `message`, else the text's start. */
  function detailOf(text: string): string {
    try {
      return String(JSON.parse(text).message ?? '');
    } catch {
      return text.slice(0, 200);
    }
  }

  async function failure(response: Response, what: string): Promise<never> {
    const detail = detailOf(await response.text().catch(() => ''));
    throw new ServiceUnavailableError(
      `JupyterHub refused to ${what}: HTTP ${response.status}${
        detail ? ` (${detail})` : ''
      }.`,
    );
  }

  const userPath = (name: string) =>
    `/hub/api/users/${encodeURIComponent(name)}`;

  return {
    async getUser(name) {
      const response = await call(
        'GET',
        `${userPath(name)}?include_stopped_servers`,
      );
      if (response.status === 404) return undefined;
      if (!response.ok) return failure(response, `read hub user ${name}`);
      return (await response.json()) as HubUser;
    },

    async createUser(name) {
      const response = await call('POST', userPath(name));
      // 409: created meanwhile by another request
      if (!response.ok && response.status !== 409) {
        await failure(response, `create hub user ${name}`);
      }
    },

    async startServer(name) {
      const response = await call('POST', `${userPath(name)}/server`);
      // 201 started, 202 starting; 400 when it is already running
      if (response.ok) return;
      if (response.status === 400) {
        const text = await response.text();
        if (/already running|is pending/i.test(text)) return;
        throw new ServiceUnavailableError(
          `JupyterHub did not start the server of ${name}: ${text.slice(
            0,
            200,
          )}`,
        );
      }
      await failure(response, `start the server of ${name}`);
    },

    async stopServer(name, server) {
      const path = server
        ? `${userPath(name)}/servers/${encodeURIComponent(server)}`
        : `${userPath(name)}/server`;
      const label = server
        ? `server ${server} of ${name}`
        : `server of ${name}`;
      const response = await call('DELETE', path);
      // 204 stopped (or was not running), 202 stopping
      if (response.status === 202) return 'stopping';
      if (response.ok) return 'stopped';
      const text = await response.text().catch(() => '');
      const detail = detailOf(text);
      if (response.status === 404) {
        throw new NotFoundError(
          `JupyterHub has no ${label}${detail ? ` (${detail})` : ''}.`,
        );
      }
      if (response.status === 400 && /pending/i.test(detail)) {
        // starting: the hub refuses to stop it until the start is done
        throw new ConflictError(
          `The ${label} is still starting (${detail}); stop it again once it is ready.`,
        );
      }
      throw new ServiceUnavailableError(
        `JupyterHub refused to stop the ${label}: HTTP ${response.status}${
          detail ? ` (${detail})` : ''
        }.`,
      );
    },

    async putContents(user, path, model) {
      const response = await call(
        'PUT',
        `/user/${encodeURIComponent(user)}/api/contents/${contentsPath(path)}`,
        model,
      );
      if (!response.ok) {
        await failure(response, `write ${path} into the server of ${user}`);
      }
    },

    async check() {
      // the service's own model: proves the hub answers and accepts the token
      const response = await call('GET', '/hub/api/user');
      if (!response.ok) await failure(response, 'accept the service token');
    },
  };
}
