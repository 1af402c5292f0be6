// The health-call bench's exporter: 50 pods of one model whose request, latency, GPU, CPU,
// memory and training series advance with time, exposed live and as 24 h of OpenMetrics
// history for promtool; and a free loopback port for the servers the bench starts.
import { createServer as createNetServer } from 'node:net';

export const PODS = 50;
export const MODEL = 'bench-model';
export const NAMESPACE = 'kaml-bench';
export const podNames = Array.from(
  { length: PODS },
  (_, i) => `${MODEL}-predictor-7c9f8-${String(i).padStart(3, '0')}`,
);

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createNetServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => done(port));
    });
  });
}

// ---- exporter: 50 pods, counters advancing each scrape
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const HISTORY_S = 24 * 3600;
const started = Date.now() - HISTORY_S * 1000;
/** The exposition at `nowMs` (counters grow from 24 h ago, so history and live scrapes agree). */
export function metrics(nowMs = Date.now()): string {
  const t = (nowMs - started) / 1000;
  const lines: string[] = [];
  podNames.forEach((pod, i) => {
    const base = `namespace="${NAMESPACE}",pod="${pod}",model="${MODEL}",container="predictor"`;
    const ok = Math.floor(t * (20 + (i % 5)));
    const bad = Math.floor(t * 0.2);
    lines.push(`kaml_inference_requests_total{${base},code="200"} ${ok}`);
    lines.push(`kaml_inference_requests_total{${base},code="500"} ${bad}`);
    let cumulative = 0;
    BUCKETS.forEach((le, b) => {
      cumulative += Math.floor(
        (ok + bad) *
          [0, 0.05, 0.2, 0.3, 0.25, 0.1, 0.05, 0.03, 0.01, 0.005, 0.005][b],
      );
      lines.push(
        `kaml_inference_request_duration_seconds_bucket{${base},le="${le}"} ${cumulative}`,
      );
    });
    lines.push(
      `kaml_inference_request_duration_seconds_bucket{${base},le="+Inf"} ${
        ok + bad
      }`,
    );
    lines.push(
      `kaml_inference_request_duration_seconds_sum{${base}} ${
        (ok + bad) * 0.06
      }`,
    );
    lines.push(
      `kaml_inference_request_duration_seconds_count{${base}} ${ok + bad}`,
    );
    lines.push(
      `DCGM_FI_DEV_GPU_UTIL{${base},gpu="${
        i % 8
      }",Hostname="bench-gpu-${Math.floor(i / 8)}"} ${60 + (i % 30)}`,
    );
    lines.push(
      `DCGM_FI_DEV_FB_USED{${base},gpu="${
        i % 8
      }",Hostname="bench-gpu-${Math.floor(i / 8)}"} ${12000 + i * 10}`,
    );
    lines.push(`container_cpu_usage_seconds_total{${base}} ${t * 0.8}`);
    lines.push(`container_memory_working_set_bytes{${base}} ${2e9 + i * 1e6}`);
    lines.push(`kaml_training_loss{${base}} ${1 / (1 + t / 100)}`);
    lines.push(`kaml_training_epoch{${base}} ${Math.floor(t / 10)}`);
  });
  return lines.join('\n') + '\n';
}

/** 24 h of history every 120 s as OpenMetrics, grouped by family, for `promtool tsdb create-blocks-from`. */
export function history(): string {
  const families = new Map<string, string[]>();
  const endMs = Date.now() - 60_000;
  for (let ms = started; ms <= endMs; ms += 120_000) {
    const ts = (ms / 1000).toFixed(0);
    for (const line of metrics(ms).trim().split('\n')) {
      const name = line.slice(0, line.indexOf('{'));
      if (!families.has(name)) families.set(name, []);
      families.get(name)!.push(`${line} ${ts}`);
    }
  }
  return `${[...families.values()].map(l => l.join('\n')).join('\n')}\n# EOF\n`;
}
