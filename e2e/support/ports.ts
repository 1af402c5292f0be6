import { execFileSync } from 'node:child_process';

/**
 * Free loopback ports, asked of the kernel in a child process (Playwright configs are loaded
 * synchronously, and workers inherit the environment the config writes them to).
 */
export function pickFreePorts(count: number): number[] {
  const script = `
    const net = require('node:net');
    const servers = [];
    let open = ${count};
    const ports = [];
    for (let i = 0; i < ${count}; i++) {
      const s = net.createServer();
      servers.push(s);
      s.listen(0, '127.0.0.1', () => {
        ports.push(s.address().port);
        if (--open === 0) { servers.forEach(x => x.close()); console.log(ports.join(' ')); }
      });
    }`;
  return execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })
    .trim()
    .split(' ')
    .map(Number);
}

/** Chromium from Debian, with the flags a sandbox-less CI container needs. */
export const chromiumLaunchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

/** Polls the backend's readiness endpoint until it answers 200. */
export async function waitForBackend(
  backendUrl: string,
  timeoutMs = 180_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${backendUrl}/.backstage/health/v1/readiness`);
      if (res.ok) return;
      last = `status ${res.status}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(
    `backend at ${backendUrl} not ready after ${timeoutMs / 1000} s (${last})`,
  );
}
