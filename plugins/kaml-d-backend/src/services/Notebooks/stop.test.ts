import { ConflictError, NotFoundError } from '@backstage/errors';
import { createHubClient, HubClient, HubServer, HubUser } from './hub';
import { stopServer } from './servers';

function server(partial: Partial<HubServer>): HubServer {
  return {
    name: '',
    ready: false,
    pending: null,
    url: '/user/alice/',
    last_activity: null,
    started: null,
    ...partial,
  };
}

function user(servers: Record<string, HubServer>): HubUser {
  return { name: 'alice', last_activity: null, servers };
}

/** A hub whose getUser answers are given in order (the last repeats); stop answers `stop`. */
function hubOf(answers: HubUser[], stop: 'stopped' | 'stopping') {
  const calls: string[] = [];
  let i = 0;
  const hub: HubClient = {
    async getUser(name) {
      calls.push(`get ${name}`);
      return answers[Math.min(i++, answers.length - 1)];
    },
    async createUser() {
      throw new Error('not expected');
    },
    async startServer() {
      throw new Error('not expected');
    },
    async stopServer(name, s) {
      calls.push(`stop ${name} ${JSON.stringify(s)}`);
      return stop;
    },
    async putContents() {},
    async check() {},
  };
  return { hub, calls };
}

const noWait = async () => {};

describe('stopServer', () => {
  it('stops a running server and polls while the hub is stopping it', async () => {
    const { hub, calls } = hubOf(
      [
        user({ gpu: server({ name: 'gpu', ready: true }) }),
        user({ gpu: server({ name: 'gpu', pending: 'stop' }) }),
        user({ gpu: server({ name: 'gpu', stopped: true }) }),
      ],
      'stopping',
    );
    const after = await stopServer({
      hub,
      user: 'alice',
      server: 'gpu',
      timeoutMs: 60_000,
      wait: noWait,
    });
    expect(after?.servers.gpu.stopped).toBe(true);
    expect(calls).toEqual([
      'get alice',
      'stop alice "gpu"',
      'get alice',
      'get alice',
    ]);
  });

  it('does not ask the hub to stop a server that is not running', async () => {
    const { hub, calls } = hubOf(
      [user({ '': server({ stopped: true }) })],
      'stopped',
    );
    await stopServer({ hub, user: 'alice', server: '', timeoutMs: 1000 });
    expect(calls).toEqual(['get alice']);
  });

  it('refuses a server the user does not have, saying where their servers are listed', async () => {
    const { hub, calls } = hubOf([user({})], 'stopped');
    await expect(
      stopServer({ hub, user: 'alice', server: 'gpu', timeoutMs: 1000 }),
    ).rejects.toThrow(
      new NotFoundError(
        'You have no notebook server "gpu" in JupyterHub (hub user alice); the Notebooks card lists the servers you have.',
      ),
    );
    expect(calls).toEqual(['get alice']);
  });

  it('answers the server as still stopping at the deadline', async () => {
    let clock = 0;
    const { hub } = hubOf(
      [
        user({ '': server({ ready: true }) }),
        user({ '': server({ pending: 'stop' }) }),
      ],
      'stopping',
    );
    const after = await stopServer({
      hub,
      user: 'alice',
      server: '',
      timeoutMs: 2000,
      now: () => clock,
      wait: async ms => {
        clock += ms;
      },
    });
    expect(after?.servers[''].pending).toBe('stop');
  });
});

describe('hub client stopServer', () => {
  function clientAnswering(status: number, body = '') {
    const calls: Array<[string, string | undefined]> = [];
    const hub = createHubClient({
      hubUrl: 'http://hub',
      token: 't',
      fetch: (async (url: string, init?: RequestInit) => {
        calls.push([url, init?.method]);
        return new Response(status === 204 ? null : body, { status });
      }) as typeof fetch,
    });
    return { hub, calls };
  }

  it('deletes the default server or a named one, escaping both names', async () => {
    const { hub, calls } = clientAnswering(204);
    await expect(hub.stopServer('a.b', '')).resolves.toBe('stopped');
    await expect(hub.stopServer('alice', 'my gpu')).resolves.toBe('stopped');
    expect(calls).toEqual([
      ['http://hub/hub/api/users/a.b/server', 'DELETE'],
      ['http://hub/hub/api/users/alice/servers/my%20gpu', 'DELETE'],
    ]);
    const stopping = clientAnswering(202);
    await expect(stopping.hub.stopServer('alice', '')).resolves.toBe(
      'stopping',
    );
  });

  it("turns the hub's refusals into errors that say what happened", async () => {
    await expect(
      clientAnswering(
        400,
        '{"status":400,"message":"alice is pending spawn, please wait"}',
      ).hub.stopServer('alice', ''),
    ).rejects.toThrow(
      new ConflictError(
        'The server of alice is still starting (alice is pending spawn, please wait); stop it again once it is ready.',
      ),
    );
    await expect(
      clientAnswering(
        404,
        '{"message":"alice has no server named gpu"}',
      ).hub.stopServer('alice', 'gpu'),
    ).rejects.toThrow(NotFoundError);
    await expect(
      clientAnswering(
        403,
        '{"message":"Action is not authorized"}',
      ).hub.stopServer('alice', ''),
    ).rejects.toThrow(
      'JupyterHub refused to stop the server of alice: HTTP 403 (Action is not authorized).',
    );
  });
});
