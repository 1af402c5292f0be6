// What the runs-tab bench needs besides its measurement: the rig's Kubernetes environment, the
// Runs service bundled from the backend's source, a counting TLS proxy in front of the API
// server and a small in-flight limiter.
import { buildSync } from 'esbuild';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import { type IncomingMessage, type Server } from 'node:http';
import {
  createServer as createHttpsServer,
  request as httpsRequest,
  Agent,
} from 'node:https';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { out, root } from '../metadata-build.ts';

// ---- rig environment
export function rigEnv(): Record<string, string> {
  const wanted = [
    'KAML_RIG_KUBE_URL',
    'KAML_RIG_KUBE_CA',
    'KAML_RIG_KUBECONFIG_ADMIN',
    'KAML_RIG_KUBE_PORTAL_TOKEN',
  ];
  const env: Record<string, string> = {};
  const file = join(root, 'e2e', '.rig', 'rig.env');
  if (existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const m = /^export (KAML_RIG_[A-Z0-9_]+)='(.*)'$/.exec(line.trim());
      if (m) env[m[1]] = m[2];
    }
  }
  for (const key of wanted) {
    if (process.env[key]) env[key] = process.env[key]!;
    if (!env[key]) {
      throw new Error(
        `${key} is not set: start the rig (e2e/rig/rig.sh start kube) and source e2e/.rig/rig.env`,
      );
    }
  }
  return env;
}

export const { ConfigReader } = createRequire(import.meta.url)(
  '@backstage/config',
);

// ---- the Runs service, bundled as the backend runs it
export function loadRuns(): Record<string, any> {
  mkdirSync(out, { recursive: true });
  const entry = join(out, 'runs-entry.ts');
  writeFileSync(
    entry,
    `export * from ${JSON.stringify(
      join(root, 'plugins', 'kaml-d-backend', 'src', 'services', 'Runs'),
    )};\nexport { readKamlDClusterAccess } from ${JSON.stringify(
      join(
        root,
        'plugins',
        'kaml-d-node',
        'src',
        'kubernetes',
        'clusterAccess',
      ),
    )};\n`,
  );
  const bundle = join(out, 'runs-lib.cjs');
  buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    outfile: bundle,
    external: ['@backstage/*', '@kubernetes/client-node', 'zod', 'luxon'],
    logLevel: 'warning',
  });
  return createRequire(import.meta.url)(bundle);
}

// ---- counting proxy: TLS on loopback (its own throwaway certificate, which the clients trust
// through caData, as they must: @kubernetes/client-node refuses plain HTTP unless TLS checks are
// off) in front of the API server (verified with the rig's CA)
export type Counts = {
  list: number;
  get: number;
  discovery: number;
  other: number;
  paths: string[];
};
export function newCounts(): Counts {
  return { list: 0, get: 0, discovery: 0, other: 0, paths: [] };
}
export async function startProxy(
  target: string,
  ca: string,
): Promise<{
  url: string;
  caPem: string;
  counts: () => Counts;
  reset: () => void;
  server: Server;
}> {
  let counts = newCounts();
  const dir = join(out, `runs-tab-tls-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const key = readFileSync(join(dir, 'key.pem'), 'utf8');
  const caPem = readFileSync(join(dir, 'cert.pem'), 'utf8');
  rmSync(dir, { recursive: true, force: true });
  const upstream = new URL(target);
  const agent = new Agent({ ca, keepAlive: true, maxSockets: 64 });
  const server = createHttpsServer(
    { key, cert: caPem },
    (req: IncomingMessage, res) => {
      const path = req.url ?? '/';
      const { pathname } = new URL(path, 'http://proxy');
      // a namespaced collection (…/namespaces/<ns>/pods, …/trainjobs) is a list;
      // …/namespaces/<ns>/pods/<name> is a get
      const parts = pathname.split('/').filter(Boolean);
      const isList =
        req.method === 'GET' && parts[parts.length - 3] === 'namespaces';
      // API discovery (/api, /apis, /apis/<group>/<version>): which resources are served,
      // asked once a minute by the service, not an object read
      const isDiscovery =
        req.method === 'GET' &&
        (parts.length <= 1 || (parts[0] === 'apis' && parts.length <= 3));
      if (isList) counts.list += 1;
      else if (isDiscovery) counts.discovery += 1;
      else if (req.method === 'GET') counts.get += 1;
      else counts.other += 1;
      counts.paths.push(`${req.method} ${pathname}`);
      const headers = { ...req.headers, host: upstream.host };
      const up = httpsRequest(
        {
          hostname: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path,
          headers,
          agent,
        },
        upstreamRes => {
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          upstreamRes.pipe(res);
        },
      );
      up.on('error', e => {
        res.writeHead(502);
        res.end(String(e));
      });
      req.pipe(up);
    },
  );
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `https://127.0.0.1:${port}`,
    caPem,
    counts: () => counts,
    reset: () => {
      counts = newCounts();
    },
    server,
  };
}

/** Runs `fn` over `items` with at most `n` at a time. */
export async function pool<T>(
  items: T[],
  n: number,
  fn: (item: T) => Promise<unknown>,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++];
        await fn(item);
      }
    }),
  );
}
