// An HTTP proxy in front of the rig's MinIO, in the bench process, that counts every request by
// S3 operation and every byte both ways (request lines, headers, bodies, listing XML), the
// object bodies among them (GetObject answers, PutObject requests), and the CPU time of MinIO
// (from /proc) and of this process since the last reset.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { minioCpuMs } from '../rig.ts';

export interface Counters {
  requests: Record<string, number>;
  bytesUp: number;
  bytesDown: number;
  objectBytes: number;
  /** MinIO's CPU time and this process's when the counters were reset. */
  minioCpuAt: number;
  benchCpuAt: NodeJS.CpuUsage;
}

export interface Figures {
  ms: number;
  requests: number;
  /** Bytes on the wire, both ways: request lines, headers, bodies, listing XML. */
  bytes: number;
  /** Object bodies through the client (GetObject responses, PutObject requests). */
  objectBytes: number;
  /** CPU time MinIO spent meanwhile (-1 when its pid is unknown). */
  minioCpuMs: number;
  /** CPU time of this process: the client's side plus the counting proxy. */
  benchCpuMs: number;
}

function kindOf(req: http.IncomingMessage): string {
  const url = new URL(req.url ?? '/', 'http://x');
  const get = req.method === 'GET';
  if (get && url.searchParams.has('versions')) return 'ListObjectVersions';
  if (get && url.searchParams.get('list-type') === '2') return 'ListObjectsV2';
  if (get && url.searchParams.has('versioning')) return 'GetBucketVersioning';
  if (get && url.searchParams.has('location')) return 'GetBucketLocation';
  if (get) return 'GetObject';
  if (req.method === 'HEAD') return 'HeadObject';
  if (req.method === 'PUT' && req.headers['x-amz-copy-source'])
    return 'CopyObject';
  if (req.method === 'PUT') return 'PutObject';
  if (req.method === 'POST' && url.searchParams.has('delete'))
    return 'DeleteObjects';
  return `${req.method}`;
}

function headerBytes(raw: string[]): number {
  let n = 0;
  for (let i = 0; i < raw.length; i += 2)
    n += raw[i].length + raw[i + 1].length + 4;
  return n;
}

export const mb = (n: number) => (n / 1e6).toFixed(2);

export async function startCountingProxy(endpoint: URL) {
  let counters!: Counters;
  const reset = () => {
    counters = {
      requests: {},
      bytesUp: 0,
      bytesDown: 0,
      objectBytes: 0,
      minioCpuAt: minioCpuMs(),
      benchCpuAt: process.cpuUsage(),
    };
  };
  reset();
  // no cap of its own: the widths measured are the clients'
  const upstream = new http.Agent({ keepAlive: true, maxSockets: 1024 });
  const server = http.createServer((req, res) => {
    const kind = kindOf(req);
    const c = counters;
    c.requests[kind] = (c.requests[kind] ?? 0) + 1;
    c.bytesUp +=
      `${req.method} ${req.url} HTTP/1.1\r\n`.length +
      headerBytes(req.rawHeaders) +
      2;
    const forward = http.request(
      {
        host: endpoint.hostname,
        port: Number(endpoint.port),
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent: upstream,
      },
      answer => {
        c.bytesDown +=
          'HTTP/1.1 200 OK\r\n'.length + headerBytes(answer.rawHeaders) + 2;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.on('data', (chunk: Buffer) => {
          c.bytesDown += chunk.length;
          if (kind === 'GetObject') c.objectBytes += chunk.length;
        });
        answer.pipe(res);
      },
    );
    forward.on('error', error => res.destroy(error));
    req.on('data', (chunk: Buffer) => {
      c.bytesUp += chunk.length;
      if (kind === 'PutObject') c.objectBytes += chunk.length;
    });
    req.pipe(forward);
  });
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done));

  /** Prints one line of figures since the last reset and returns them. */
  const report = (name: string, ms: number): Figures => {
    const c = counters;
    const minioMs = c.minioCpuAt < 0 ? -1 : minioCpuMs() - c.minioCpuAt;
    const bench = process.cpuUsage(c.benchCpuAt);
    const benchMs = (bench.user + bench.system) / 1000;
    const requests = Object.values(c.requests).reduce((a, b) => a + b, 0);
    const detail = Object.entries(c.requests)
      .sort()
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    console.log(
      `${name.padEnd(38)} ${(ms / 1000).toFixed(2).padStart(7)} s  ${String(
        requests,
      ).padStart(6)} requests (${detail})  ` +
        `${mb(c.bytesUp + c.bytesDown)} MB on the wire, ${mb(
          c.objectBytes,
        )} MB of object data through the client; ` +
        `CPU s: MinIO ${
          minioMs < 0 ? 'n/a' : (minioMs / 1000).toFixed(1)
        }, client + proxy ${(benchMs / 1000).toFixed(1)}`,
    );
    return {
      ms,
      requests,
      bytes: c.bytesUp + c.bytesDown,
      objectBytes: c.objectBytes,
      minioCpuMs: minioMs,
      benchCpuMs: benchMs,
    };
  };
  return {
    port: (server.address() as AddressInfo).port,
    reset,
    report,
    close() {
      server.close();
      upstream.destroy();
    },
  };
}
