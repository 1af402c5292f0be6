/** Starts and stops the portal's backend (development mode, embedded defaults) for tests. */
import { spawn, ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export async function waitFor(what: string, ms: number, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  let last = '';
  while (Date.now() < deadline) {
    try {
      if (await probe()) return;
    } catch (error) {
      last = String(error);
    }
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what} ${last}`);
}

export async function guestToken(base: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/guest/refresh`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: '{}',
  });
  if (!res.ok) throw new Error(`guest sign-in failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { backstageIdentity: { token: string } };
  return body.backstageIdentity.token;
}

export interface RunningBackend {
  stop(): Promise<void>;
}

export async function startBackend(options: {
  repoRoot: string;
  port: number;
  dataDir: string;
  env?: Record<string, string>;
  /** Extra arguments for `backstage-cli package start`, such as `--config <file>`. */
  args?: string[];
}): Promise<RunningBackend> {
  const log: string[] = [];
  const child: ChildProcess = spawn('yarn', ['start', ...(options.args ?? [])], {
    cwd: join(options.repoRoot, 'packages', 'backend'),
    env: {
      ...process.env,
      KAML_BACKEND_PORT: String(options.port),
      KAML_DATA_DIR: options.dataDir,
      ...options.env,
    },
    detached: true, // its own process group, so stop() ends the watcher and the backend together
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    log.push(chunk.toString());
    if (log.length > 200) log.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>(r => child.once('exit', () => r()));

  const stop = async () => {
    if (child.exitCode !== null || !child.pid) return;
    process.kill(-child.pid, 'SIGTERM');
    const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };

  try {
    await waitFor('the backend to be ready', 180_000, async () => {
      if (child.exitCode !== null) throw new Error(`backend exited: ${log.join('').slice(-2000)}`);
      const res = await fetch(`http://localhost:${options.port}/.backstage/health/v1/readiness`);
      return res.ok;
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}
