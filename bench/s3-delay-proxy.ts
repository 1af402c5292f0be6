// An HTTP proxy in front of an S3 API that adds a round-trip delay to every request (half before
// the request is passed on, half before the answer goes back) and counts requests by kind, so a
// benchmark can run against a loopback MinIO as if it were an object store across a network and
// prove which requests it sent. Run as a child process (node bench/s3-delay-proxy.ts) with
// PROXY_TARGET=http://host:port; it sends { port } once listening and answers messages:
// { delayMs } sets the delay, { reset: true } clears the counts, { counts: true } returns them.
// Headers (Host included, which S3 signatures cover) are passed through unchanged.
import { Agent, createServer, request } from 'node:http';

const target = new URL(process.env.PROXY_TARGET ?? 'http://127.0.0.1:9000');
let delayMs = Number(process.env.PROXY_DELAY_MS ?? 0);
let counts: Record<string, number> = {};
let keysListed = 0;
const agent = new Agent({ keepAlive: true, maxSockets: 512 });
const sleep = (ms: number) => (ms > 0 ? new Promise(resolve => setTimeout(resolve, ms)) : Promise.resolve());

/** LIST (recursive), LIST-delimited, GET-object, HEAD-object, HEAD-bucket, PUT-object, ... */
function kind(method: string, url: string): string {
  const parsed = new URL(url, 'http://proxy');
  // path style: /bucket or /bucket/ for bucket requests, /bucket/key for object requests
  const object = parsed.pathname.replace(/^\/[^/]*\/?/, '') !== '';
  if (method === 'GET' && !object && parsed.searchParams.get('list-type') === '2')
    return parsed.searchParams.get('delimiter') ? 'LIST-delimited' : 'LIST';
  return `${method}-${object ? 'object' : 'bucket'}`;
}

const KEY = Buffer.from('<Key>');

const server = createServer(async (req, res) => {
  const name = kind(req.method ?? 'GET', req.url ?? '/');
  counts[name] = (counts[name] ?? 0) + 1;
  await sleep(delayMs / 2);
  const upstream = request(
    { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent },
    async answer => {
      await sleep(delayMs / 2);
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      if (name.startsWith('LIST')) {
        // count the keys listed (<Key> elements; a tag cut between two chunks is rejoined)
        let tail = Buffer.alloc(0);
        answer.on('data', (chunk: Buffer) => {
          const data = Buffer.concat([tail, chunk]);
          for (let at = data.indexOf(KEY); at >= 0; at = data.indexOf(KEY, at + KEY.length)) keysListed++;
          tail = data.subarray(Math.max(0, data.length - (KEY.length - 1)));
        });
      }
      answer.pipe(res);
    },
  );
  upstream.on('error', error => {
    res.writeHead(502);
    res.end(String(error));
  });
  req.pipe(upstream);
});

process.on('message', (message: { delayMs?: number; reset?: boolean; counts?: boolean }) => {
  if (message.delayMs !== undefined) delayMs = message.delayMs;
  if (message.reset) {
    counts = {};
    keysListed = 0;
  }
  const cpu = process.cpuUsage();
  process.send?.({ counts: { ...counts }, keysListed, delayMs, cpuMs: (cpu.user + cpu.system) / 1000 });
});
process.on('disconnect', () => process.exit(0));
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
});
