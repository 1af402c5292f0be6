import { HubClient, HubServer, HubUser } from './hub';
import { ensureServer, serverRows } from './servers';

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

/** A hub whose user answers follow a script, one per getUser after the start. */
function scriptedHub(initial: HubUser | undefined, afterStart: HubServer[]) {
  const calls: string[] = [];
  let user = initial;
  let step = 0;
  let started = false;
  const hub: HubClient = {
    async getUser(name) {
      calls.push(`get ${name}`);
      if (started && user) {
        const next = afterStart[Math.min(step, afterStart.length - 1)];
        step += 1;
        user = { ...user, servers: { '': next } };
      }
      return user;
    },
    async createUser(name) {
      calls.push(`create ${name}`);
      user = { name, last_activity: null, servers: {} };
    },
    async startServer(name) {
      calls.push(`start ${name}`);
      started = true;
    },
    async stopServer() {
      return 'stopped' as const;
    },
    async putContents() {},
    async check() {},
  };
  return { hub, calls };
}

const noWait = async () => {};

describe('ensureServer', () => {
  it('creates a missing hub user, starts the server and polls until it is ready', async () => {
    const { hub, calls } = scriptedHub(undefined, [
      server({ pending: 'spawn' }),
      server({ pending: 'spawn' }),
      server({ ready: true }),
    ]);
    await ensureServer({ hub, user: 'alice', timeoutMs: 60_000, wait: noWait });
    expect(calls).toEqual([
      'get alice',
      'create alice',
      'get alice',
      'start alice',
      'get alice',
      'get alice',
      'get alice',
    ]);
  });

  it('reuses a running server without starting it', async () => {
    const { hub, calls } = scriptedHub(
      {
        name: 'alice',
        last_activity: null,
        servers: { '': server({ ready: true }) },
      },
      [],
    );
    await ensureServer({ hub, user: 'alice', timeoutMs: 1000, wait: noWait });
    expect(calls).toEqual(['get alice']);
  });

  it('says which server failed when it stops while starting', async () => {
    const { hub } = scriptedHub(
      { name: 'bob', last_activity: null, servers: {} },
      [server({ pending: 'spawn' }), server({ stopped: true })],
    );
    await expect(
      ensureServer({ hub, user: 'bob', timeoutMs: 60_000, wait: noWait }),
    ).rejects.toThrow('The notebook server of bob stopped while starting');
  });

  it('gives up at the deadline, naming the setting to raise', async () => {
    let clock = 0;
    const { hub } = scriptedHub(
      { name: 'bob', last_activity: null, servers: {} },
      [server({ pending: 'spawn' })],
    );
    await expect(
      ensureServer({
        hub,
        user: 'bob',
        timeoutMs: 5000,
        now: () => clock,
        wait: async ms => {
          clock += ms;
        },
      }),
    ).rejects.toThrow(
      /not ready within 5 s \(hub state: spawn\).*startTimeoutSeconds/,
    );
  });
});

describe('serverRows', () => {
  it('maps hub servers to ready, pending and stopped rows with JupyterLab links', () => {
    const rows = serverRows(
      {
        name: 'alice',
        last_activity: '2026-12-07T08:00:00Z',
        servers: {
          gpu: server({ name: 'gpu', pending: 'spawn' }),
          '': server({
            ready: true,
            last_activity: '2026-12-07T08:00:00Z',
            started: '2026-12-07T07:00:00Z',
          }),
          old: server({ name: 'old', stopped: true }),
        },
      },
      'http://hub.example',
    );
    expect(rows).toEqual([
      {
        name: '',
        status: 'ready',
        lastActivity: '2026-12-07T08:00:00Z',
        startedAt: '2026-12-07T07:00:00Z',
        url: 'http://hub.example/user/alice/lab',
      },
      {
        name: 'gpu',
        status: 'pending',
        pending: 'spawn',
        url: 'http://hub.example/user/alice/gpu/lab',
      },
      {
        name: 'old',
        status: 'stopped',
        url: 'http://hub.example/user/alice/old/lab',
      },
    ]);
    expect(serverRows(undefined, 'http://hub.example')).toEqual([]);
  });
});
