import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import { NotebookServer } from '@kaml-d/plugin-kaml-d-common';
import { HubClient, HubServer, HubUser } from './hub';

/** What the Notebooks card shows of one hub server. */
export function serverRow(
  user: string,
  server: HubServer,
  publicUrl: string,
): NotebookServer {
  let status: NotebookServer['status'] = 'stopped';
  if (server.ready) status = 'ready';
  else if (server.pending) status = 'pending';
  const path = server.name
    ? `/user/${encodeURIComponent(user)}/${encodeURIComponent(server.name)}/lab`
    : `/user/${encodeURIComponent(user)}/lab`;
  return {
    name: server.name,
    status,
    ...(server.pending ? { pending: server.pending } : {}),
    ...(server.last_activity ? { lastActivity: server.last_activity } : {}),
    ...(server.started ? { startedAt: server.started } : {}),
    url: `${publicUrl}${path}`,
  };
}

/** The user's servers, default server first. */
export function serverRows(
  user: HubUser | undefined,
  publicUrl: string,
): NotebookServer[] {
  if (!user) return [];
  return Object.values(user.servers ?? {})
    .sort((a, b) => a.name.localeCompare(b.name))
    .map(server => serverRow(user.name, server, publicUrl));
}

/**
 * Makes sure the hub user exists and their default server runs: creates the user when missing,
 * starts the server when stopped, and polls the hub until it says the server is ready (a server
 * being stopped is waited out, then started).
 */
export async function ensureServer(options: {
  hub: HubClient;
  user: string;
  timeoutMs: number;
  pollMs?: number;
  now?: () => number;
  wait?: (ms: number) => Promise<void>;
}): Promise<void> {
  const { hub, user } = options;
  const now = options.now ?? Date.now;
  const wait =
    options.wait ??
    ((ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms)));
  const deadline = now() + options.timeoutMs;
  let found = await hub.getUser(user);
  if (!found) {
    await hub.createUser(user);
    found = await hub.getUser(user);
  }
  let asked = false;
  for (;;) {
    const server = found?.servers?.[''];
    if (server?.ready) return;
    const pending = server?.pending ?? null;
    if (!pending && !asked) {
      await hub.startServer(user);
      asked = true;
    } else if (!pending && asked && server && !server.ready) {
      // started, then stopped again before it was ready: it failed to start
      if (server.stopped) {
        throw new ServiceUnavailableError(
          `The notebook server of ${user} stopped while starting; see the JupyterHub log.`,
        );
      }
    }
    if (now() >= deadline) {
      throw new ServiceUnavailableError(
        `The notebook server of ${user} was not ready within ${Math.round(
          options.timeoutMs / 1000,
        )} s (hub state: ${
          pending ?? 'not running'
        }); try again, or raise kamlD.notebooks.startTimeoutSeconds.`,
      );
    }
    await wait(options.pollMs ?? 500);
    found = await hub.getUser(user);
  }
}

/**
 * Stops one server of the user (`''`: the default one), only one the hub lists for that user,
 * and polls the hub until it no longer runs. A stop still under way at the deadline is left to
 * the hub: the answer then shows the server as pending (stop).
 */
export async function stopServer(options: {
  hub: HubClient;
  user: string;
  server: string;
  timeoutMs: number;
  pollMs?: number;
  now?: () => number;
  wait?: (ms: number) => Promise<void>;
}): Promise<HubUser | undefined> {
  const { hub, user, server } = options;
  const now = options.now ?? Date.now;
  const wait =
    options.wait ??
    ((ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms)));
  const label = server ? `server "${server}"` : 'default server';
  let found = await hub.getUser(user);
  if (!found?.servers?.[server]) {
    throw new NotFoundError(
      `You have no notebook ${label} in JupyterHub (hub user ${user}); the Notebooks card lists the servers you have.`,
    );
  }
  const running = (s: HubServer | undefined) =>
    Boolean(s && !s.stopped && (s.ready || s.pending));
  if (!running(found.servers[server])) return found;
  const deadline = now() + options.timeoutMs;
  if ((await hub.stopServer(user, server)) === 'stopped') {
    return hub.getUser(user);
  }
  for (;;) {
    found = await hub.getUser(user);
    if (!running(found?.servers?.[server]) || now() >= deadline) return found;
    await wait(options.pollMs ?? 500);
  }
}
