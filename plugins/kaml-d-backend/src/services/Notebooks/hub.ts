import { ServiceUnavailableError } from '@backstage/errors';

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

  async function failure(response: Response, what: string): Promise<never> {
    let detail = '';
    try {
      const text = await response.text();
      try {
        detail = String(JSON.parse(text).message ?? '');
      } catch {
        detail = text.slice(0, 200);
      }
    } catch {
      // the status says enough
    }
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
