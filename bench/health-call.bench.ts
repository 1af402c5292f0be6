// health-call: one Observation Hub health call for a model served by 50 pods over a 24 h range.
//
// Starts its own exporter (50 pods of `bench-model`: requests, latency histogram, DCGM GPU, CPU,
// memory, training series) and its own Prometheus scraping it every second (the rig's Prometheus
// is shared and scrapes only the fixture exporter), then measures the ObservationService as the
// backend builds it (bundled from plugins/kaml-d-backend/src/services/Observation):
//   - cold: first call (catalog lookup + every panel's range query + alerts), wall time
//   - cached: second call within cacheSeconds, served from the cache
//   - Prometheus queries per call, counted by wrapping fetch, vs a per-pod approach: the same
//     panels asked once per pod (`pod="…"` added to each selector), executed and counted too.
// Last line: `health-call: <per-pod queries / batched queries>` (target ≥ 20; also cold ≤ 1 s,
// cached ≤ 50 ms, batched queries ≤ panels).
//
// Needs a `prometheus` binary (PATH, /usr/bin/prometheus or KAML_PROMETHEUS_BIN).
import { buildSync } from 'esbuild';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { out, root } from './metadata-build.ts';
import { quietLogger, requireFromRoot } from './discovery-build.ts';
import {
  freePort,
  history,
  metrics,
  MODEL,
  NAMESPACE,
  podNames,
  PODS,
} from './lib/health-exporter.ts';
// ---- the service, bundled as the backend runs it
function loadObservation(): Record<string, any> {
  mkdirSync(out, { recursive: true });
  const entry = join(out, 'observation-entry.ts');
  const dir = join(
    root,
    'plugins',
    'kaml-d-backend',
    'src',
    'services',
    'Observation',
  );
  writeFileSync(
    entry,
    [
      `export * from ${JSON.stringify(dir)};`,
      `export { PANELS_BY_KIND } from ${JSON.stringify(
        join(dir, 'createObservationService'),
      )};`,
      `export { PANEL_PRESETS, fillTemplate, queryPlaceholders } from ${JSON.stringify(
        join(dir, 'promql'),
      )};`,
    ].join('\n'),
  );
  const bundle = join(out, 'observation-lib.cjs');
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

// ---- counting fetch: every Prometheus HTTP call of the process goes through it
const counts = { query: 0, alerts: 0 };
const realFetch = globalThis.fetch;
globalThis.fetch = (async (input: any, init?: any) => {
  const url = String(input instanceof Request ? input.url : input);
  if (url.includes('/api/v1/query')) counts.query += 1;
  else if (url.includes('/api/v1/alerts') || url.includes('/api/v1/rules'))
    counts.alerts += 1;
  return realFetch(input, init);
}) as typeof fetch;
function resetCounts() {
  counts.query = 0;
  counts.alerts = 0;
}

async function main() {
  const children: ChildProcess[] = [];
  const dir = join(out, `health-call-${process.pid}`);
  const exporterPort = await freePort();
  const exporter = createServer((_, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
    res.end(metrics());
  });
  await new Promise<void>(r =>
    exporter.listen(exporterPort, '127.0.0.1', () => r()),
  );
  try {
    const promBin =
      process.env.KAML_PROMETHEUS_BIN ??
      (existsSync('/usr/bin/prometheus')
        ? '/usr/bin/prometheus'
        : 'prometheus');
    const promPort = await freePort();
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'prometheus.yml'),
      `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: bench\n    static_configs:\n      - targets: ["127.0.0.1:${exporterPort}"]\n`,
    );
    // backfill the 24 h so the range query reads a day of samples, as a long-running install would
    const promtool =
      process.env.KAML_PROMTOOL_BIN ??
      (existsSync('/usr/bin/promtool') ? '/usr/bin/promtool' : 'promtool');
    writeFileSync(join(dir, 'history.om'), history());
    const backfill = spawn(
      promtool,
      [
        'tsdb',
        'create-blocks-from',
        'openmetrics',
        join(dir, 'history.om'),
        join(dir, 'data'),
      ],
      { stdio: 'ignore' },
    );
    const code = await new Promise(r => backfill.on('close', r));
    if (code !== 0) throw new Error(`promtool backfill exited ${code}`);
    const prom = spawn(
      promBin,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
      ],
      { stdio: 'ignore' },
    );
    children.push(prom);
    const promUrl = `http://127.0.0.1:${promPort}`;
    // wait for a few scrapes so rates have two samples
    let ready = false;
    for (let i = 0; i < 80 && !ready; i++) {
      await new Promise(r => setTimeout(r, 500));
      try {
        const r = await realFetch(
          `${promUrl}/api/v1/query?query=${encodeURIComponent(
            `count(count_over_time(kaml_inference_requests_total{model="${MODEL}"}[1m]) >= 5)`,
          )}`,
        );
        const body = (await r.json()) as {
          data?: { result?: Array<{ value?: [number, string] }> };
        };
        ready = Number(body.data?.result?.[0]?.value?.[1] ?? 0) >= PODS * 2;
      } catch {
        // not up yet
      }
    }
    if (!ready)
      throw new Error(
        'the bench Prometheus did not scrape the bench exporter in 40 s',
      );

    const lib = loadObservation();
    const { ConfigReader } = requireFromRoot('@backstage/config');
    const config = lib.readObservationConfig(
      new ConfigReader({
        kamlD: {
          observation: {
            prometheus: [{ name: 'bench', url: promUrl }],
            cacheSeconds: 30,
          },
        },
      }),
    );
    const store = new Map<string, unknown>();
    const cache: any = {
      get: async (k: string) => store.get(k),
      set: async (k: string, v: unknown) => void store.set(k, v),
      delete: async (k: string) => void store.delete(k),
      withOptions: () => cache,
    };
    const entity = {
      apiVersion: 'kaml-d.io/v1alpha1',
      kind: 'Model',
      metadata: {
        name: MODEL,
        namespace: 'default',
        annotations: {
          'backstage.io/kubernetes-id': MODEL,
          'backstage.io/kubernetes-namespace': NAMESPACE,
        },
      },
      spec: { owner: 'group:default/data-science' },
    };
    const catalog: any = { getEntityByRef: async () => entity };
    const service = lib.createObservationService({
      config,
      catalog,
      cache,
      logger: quietLogger,
    });
    const credentials: any = {
      $$type: '@backstage/BackstageCredentials',
      principal: { type: 'user', userEntityRef: 'user:default/bench' },
    };
    const ref = { kind: 'model', namespace: 'default', name: MODEL };

    resetCounts();
    let t0 = performance.now();
    const cold = await service.observe(ref, '24h', credentials);
    const coldMs = performance.now() - t0;
    const batchedQueries = counts.query;
    const alertCalls = counts.alerts;
    resetCounts();
    t0 = performance.now();
    await service.observe(ref, '24h', credentials);
    const cachedMs = performance.now() - t0;
    const cachedQueries = counts.query;
    // cold again: service cache emptied, Prometheus' own page cache warm (a long-running server)
    store.clear();
    t0 = performance.now();
    await service.observe(ref, '24h', credentials);
    const cold2Ms = performance.now() - t0;

    const panels: string[] = lib.PANELS_BY_KIND.model;
    if (cold.errors.length)
      throw new Error(`health call errors: ${JSON.stringify(cold.errors)}`);
    const rate = cold.panels.find((p: any) => p.id === 'requestRate');
    const perPanelPods =
      cold.panels.find((p: any) => p.id === 'cpu')?.series.length ?? 0;
    const points = Math.max(
      ...cold.panels.flatMap((p: any) =>
        p.series.map((s: any) => s.points.length),
      ),
    );

    // per-pod approach: the same panels, one query per pod
    const step = (24 * 3600) / 300;
    const end = Math.floor(Date.now() / 1000 / step) * step;
    const start = end - 24 * 3600;
    const base = lib.queryPlaceholders(
      { id: MODEL, namespace: NAMESPACE },
      step,
    );
    const perPodQueries: string[] = [];
    for (const id of panels) {
      for (const pod of podNames) {
        const withPod = (sel: string) => sel.replace(/}$/, `,pod="${pod}"}`);
        const placeholders = {
          ...base,
          selector: withPod(base.selector),
          errorSelector: withPod(base.errorSelector),
          podSelector: `{namespace="${NAMESPACE}",pod="${pod}"}`,
        };
        perPodQueries.push(
          lib.fillTemplate(lib.PANEL_PRESETS[id].query, placeholders),
        );
      }
    }
    resetCounts();
    t0 = performance.now();
    for (let i = 0; i < perPodQueries.length; i += 8) {
      await Promise.all(
        perPodQueries.slice(i, i + 8).map(q =>
          fetch(`${promUrl}/api/v1/query_range`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({
              query: q,
              start: String(start),
              end: String(end),
              step: String(step),
            }),
          }).then(r => r.text()),
        ),
      );
    }
    const perPodMs = performance.now() - t0;
    const perPodCount = counts.query;

    const ratio = perPodCount / Math.max(1, batchedQueries);
    console.log(
      `pods: ${PODS}, range 24h, panels: ${
        panels.length
      }, points per series ≤ ${points}, cpu series (one per pod): ${perPanelPods}, request-rate series: ${
        rate?.series.length ?? 0
      }`,
    );
    console.log(
      `cold call: ${coldMs.toFixed(
        1,
      )} ms (target ≤ 1000), Prometheus queries: ${batchedQueries} (target ≤ ${
        panels.length
      } panels), alert calls: ${alertCalls}`,
    );
    console.log(
      `cold call, service cache emptied, Prometheus warm: ${cold2Ms.toFixed(
        1,
      )} ms (target ≤ 1000)`,
    );
    console.log(
      `cached call: ${cachedMs.toFixed(
        2,
      )} ms (target ≤ 50), Prometheus queries: ${cachedQueries}`,
    );
    console.log(
      `per-pod approach: ${perPodCount} queries in ${perPodMs.toFixed(0)} ms`,
    );
    console.log(
      `targets: cold ${coldMs <= 1000 ? 'met' : 'MISSED'} (first) / ${
        cold2Ms <= 1000 ? 'met' : 'MISSED'
      } (cache emptied), cached ${
        cachedMs <= 50 ? 'met' : 'MISSED'
      }, queries ≤ panels ${
        batchedQueries <= panels.length ? 'met' : 'MISSED'
      }, ratio ≥ 20 ${ratio >= 20 ? 'met' : 'MISSED'}`,
    );
    console.log(`health-call: ${ratio.toFixed(1)}`);
  } finally {
    for (const c of children) c.kill('SIGTERM');
    exporter.close();
    await new Promise(r => setTimeout(r, 300));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
