// KAML-D fixture Prometheus exporter: realistic, evolving series for the simulated workloads.
//
//   node e2e/rig/exporter/exporter.ts [--port 29101] [--host 127.0.0.1]
//
// Series (labels namespace/pod/model/container, as kube-state/cAdvisor/DCGM would give them):
//   kaml_inference_requests_total{code}                 counter  (per model pod)
//   kaml_inference_request_duration_seconds_{bucket,sum,count}  histogram
//   kaml_inference_errors_total{reason}                 counter
//   DCGM_FI_DEV_GPU_UTIL, DCGM_FI_DEV_FB_USED, DCGM_FI_DEV_FB_FREE  gauges (gpu, UUID, Hostname, …)
//   container_cpu_usage_seconds_total, container_memory_working_set_bytes
//   kaml_training_loss, kaml_training_epoch, kaml_training_epochs_total  gauges (job)
//   kaml_model_info{version, framework}                 gauge 1
// `voice-classifier` is deliberately unhealthy: ~30 % 5xx answers and seconds of latency.

import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import { WORKLOADS, TRAININGS, NAMESPACE, type ServingWorkload } from './fixtures.ts';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const TICK_MS = 1000;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const host = arg('host', process.env.KAML_EXPORTER_HOST ?? '127.0.0.1');
const port = Number(arg('port', process.env.KAML_EXPORTER_PORT ?? '29101'));

// deterministic noise so two runs look alike
let seed = 42;
function rand(): number {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
function gauss(): number {
  return Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-12))) * Math.cos(2 * Math.PI * rand());
}
function poisson(mean: number): number {
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * gauss()));
  const l = Math.exp(-mean);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= rand();
  } while (p > l);
  return k - 1;
}
function uuid(name: string): string {
  const h = createHash('sha1').update(name).digest('hex');
  return `GPU-${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

interface PodState {
  workload: ServingWorkload;
  pod: string;
  node: string;
  requests: Map<string, number>; // code → count
  errors: Map<string, number>; // reason → count
  buckets: number[]; // cumulative per BUCKETS, +Inf = count
  sum: number;
  count: number;
  cpuSeconds: number;
  memoryBytes: number;
  gpuUtil: number;
  fbUsedMiB: number;
}

const started = Date.now();
const pods: PodState[] = [];
for (const w of WORKLOADS) {
  for (let r = 0; r < w.replicas; r++) {
    pods.push({
      workload: w,
      pod: `${w.model}-predictor-${w.podHash}-${w.podSuffixes[r]}`,
      node: w.gpu ? 'kwok-gpu-0' : 'kwok-cpu-0',
      requests: new Map(),
      errors: new Map(),
      buckets: BUCKETS.map(() => 0),
      sum: 0,
      count: 0,
      cpuSeconds: 100 + 50 * rand(),
      memoryBytes: w.memoryMiB * 1024 * 1024,
      gpuUtil: 0,
      fbUsedMiB: w.gpu ? w.gpu.fbBaseMiB : 0,
    });
  }
}

function tick(dtSeconds: number): void {
  const t = (Date.now() - started) / 1000;
  for (const p of pods) {
    const w = p.workload;
    // traffic follows a slow wave so rates move
    const load = 1 + 0.35 * Math.sin((2 * Math.PI * t) / 300 + w.phase);
    const n = poisson((w.rps / w.replicas) * load * dtSeconds);
    for (let i = 0; i < n; i++) {
      const fail = rand() < w.errorRatio;
      const code = fail ? (rand() < 0.8 ? '500' : '503') : rand() < 0.01 ? '400' : '200';
      p.requests.set(code, (p.requests.get(code) ?? 0) + 1);
      if (fail) {
        const reason = code === '503' ? 'overloaded' : rand() < 0.6 ? 'model_error' : 'timeout';
        p.errors.set(reason, (p.errors.get(reason) ?? 0) + 1);
      }
      const latency = w.latencyMedianS * Math.exp(0.45 * gauss()) * (fail ? 1.6 : 1);
      p.sum += latency;
      p.count++;
      for (let b = 0; b < BUCKETS.length; b++) if (latency <= BUCKETS[b]) p.buckets[b]++;
    }
    p.cpuSeconds += dtSeconds * w.cpuCores * load * (0.9 + 0.2 * rand());
    p.memoryBytes = Math.max(64 * 1024 * 1024, w.memoryMiB * 1024 * 1024 * (1 + 0.05 * Math.sin(t / 45 + w.phase)) + 4e6 * gauss());
    if (w.gpu) {
      p.gpuUtil = Math.max(0, Math.min(100, Math.round(w.gpu.utilBase * load + 6 * gauss())));
      p.fbUsedMiB = Math.round(w.gpu.fbBaseMiB + 300 * load + 50 * gauss());
    }
  }
}

function labels(l: Record<string, string>): string {
  return `{${Object.entries(l)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`)
    .join(',')}}`;
}
function num(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(6);
}

function render(): string {
  const out: string[] = [];
  const header = (name: string, type: string, help: string) => out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  const base = (p: PodState) => ({ namespace: NAMESPACE, pod: p.pod, model: p.workload.model });
  const nowS = (Date.now() - started) / 1000;

  header('kaml_model_info', 'gauge', 'Static information about a served model version.');
  for (const w of WORKLOADS) out.push(`kaml_model_info${labels({ namespace: NAMESPACE, model: w.model, version: w.version, framework: w.framework })} 1`);

  header('kaml_inference_requests_total', 'counter', 'Inference requests answered, by HTTP status code.');
  for (const p of pods) {
    for (const code of ['200', '400', '500', '503']) {
      out.push(`kaml_inference_requests_total${labels({ ...base(p), code })} ${p.requests.get(code) ?? 0}`);
    }
  }
  header('kaml_inference_errors_total', 'counter', 'Failed inference requests by reason.');
  for (const p of pods) {
    for (const reason of ['model_error', 'timeout', 'overloaded']) {
      out.push(`kaml_inference_errors_total${labels({ ...base(p), reason })} ${p.errors.get(reason) ?? 0}`);
    }
  }
  header('kaml_inference_request_duration_seconds', 'histogram', 'Inference request latency in seconds.');
  for (const p of pods) {
    BUCKETS.forEach((le, i) => out.push(`kaml_inference_request_duration_seconds_bucket${labels({ ...base(p), le: String(le) })} ${p.buckets[i]}`));
    out.push(`kaml_inference_request_duration_seconds_bucket${labels({ ...base(p), le: '+Inf' })} ${p.count}`);
    out.push(`kaml_inference_request_duration_seconds_sum${labels(base(p))} ${num(p.sum)}`);
    out.push(`kaml_inference_request_duration_seconds_count${labels(base(p))} ${p.count}`);
  }

  header('container_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed in seconds.');
  for (const p of pods) out.push(`container_cpu_usage_seconds_total${labels({ namespace: NAMESPACE, pod: p.pod, container: 'predictor', node: p.node })} ${num(p.cpuSeconds)}`);
  for (const tr of TRAININGS) out.push(`container_cpu_usage_seconds_total${labels({ namespace: NAMESPACE, pod: tr.pod, container: 'trainer', node: 'kwok-gpu-0' })} ${num(30 + nowS * 1.7)}`);
  header('container_memory_working_set_bytes', 'gauge', 'Current working set in bytes.');
  for (const p of pods) out.push(`container_memory_working_set_bytes${labels({ namespace: NAMESPACE, pod: p.pod, container: 'predictor', node: p.node })} ${Math.round(p.memoryBytes)}`);
  for (const tr of TRAININGS) out.push(`container_memory_working_set_bytes${labels({ namespace: NAMESPACE, pod: tr.pod, container: 'trainer', node: 'kwok-gpu-0' })} ${Math.round(tr.memoryMiB * 1048576 * (1 + 0.03 * Math.sin(nowS / 20)))}`);

  // DCGM exporter style: one series per GPU, attributed to the pod using it
  const gpus: { gpu: number; pod: string; model: string; container: string; util: number; usedMiB: number }[] = [];
  let gpuIndex = 0;
  for (const p of pods) {
    if (p.workload.gpu) gpus.push({ gpu: gpuIndex++, pod: p.pod, model: p.workload.model, container: 'predictor', util: p.gpuUtil, usedMiB: p.fbUsedMiB });
  }
  for (const tr of TRAININGS) {
    gpus.push({ gpu: gpuIndex++, pod: tr.pod, model: tr.model, container: 'trainer', util: Math.round(88 + 8 * Math.sin(nowS / 7) + 2 * gauss()), usedMiB: Math.round(tr.fbMiB + 200 * Math.sin(nowS / 30)) });
  }
  const TOTAL_MIB = 40960;
  const gpuLabels = (g: (typeof gpus)[number]) => ({
    gpu: String(g.gpu),
    UUID: uuid(`kwok-gpu-0/${g.gpu}`),
    device: `nvidia${g.gpu}`,
    modelName: 'NVIDIA A100-SXM4-40GB',
    Hostname: 'kwok-gpu-0',
    namespace: NAMESPACE,
    pod: g.pod,
    container: g.container,
    model: g.model,
  });
  header('DCGM_FI_DEV_GPU_UTIL', 'gauge', 'GPU utilization (in %).');
  for (const g of gpus) out.push(`DCGM_FI_DEV_GPU_UTIL${labels(gpuLabels(g))} ${g.util}`);
  header('DCGM_FI_DEV_FB_USED', 'gauge', 'Framebuffer memory used (in MiB).');
  for (const g of gpus) out.push(`DCGM_FI_DEV_FB_USED${labels(gpuLabels(g))} ${g.usedMiB}`);
  header('DCGM_FI_DEV_FB_FREE', 'gauge', 'Framebuffer memory free (in MiB).');
  for (const g of gpus) out.push(`DCGM_FI_DEV_FB_FREE${labels(gpuLabels(g))} ${TOTAL_MIB - g.usedMiB}`);

  // training progress: one epoch every `secondsPerEpoch`, loss decays towards a floor
  header('kaml_training_epoch', 'gauge', 'Current (completed) training epoch.');
  const progress = TRAININGS.map(tr => {
    const epoch = Math.min(tr.epochs, tr.startEpoch + Math.floor(nowS / tr.secondsPerEpoch));
    const frac = epoch + Math.min(1, (nowS % tr.secondsPerEpoch) / tr.secondsPerEpoch);
    const loss = tr.lossFloor + (tr.lossStart - tr.lossFloor) * Math.exp(-frac / tr.lossDecayEpochs) + 0.01 * gauss();
    return { tr, epoch, loss: Math.max(tr.lossFloor * 0.9, loss) };
  });
  const tl = (tr: (typeof TRAININGS)[number]) => ({ namespace: NAMESPACE, pod: tr.pod, model: tr.model, job: tr.job });
  for (const { tr, epoch } of progress) out.push(`kaml_training_epoch${labels(tl(tr))} ${epoch}`);
  header('kaml_training_epochs_total', 'gauge', 'Number of epochs the training job will run.');
  for (const { tr } of progress) out.push(`kaml_training_epochs_total${labels(tl(tr))} ${tr.epochs}`);
  header('kaml_training_loss', 'gauge', 'Training loss of the latest step.');
  for (const { tr, loss } of progress) out.push(`kaml_training_loss${labels(tl(tr))} ${num(loss)}`);
  return out.join('\n') + '\n';
}

let last = Date.now();
const timer = setInterval(() => {
  const now = Date.now();
  tick((now - last) / 1000);
  last = now;
}, TICK_MS);
tick(1); // something to show at the first scrape

const server = createServer((req, res) => {
  if (req.url === '/metrics') {
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end(render());
  } else if (req.url === '/healthz' || req.url === '/-/healthy') {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('ok\n');
  } else {
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('see /metrics\n');
  }
});
server.listen(port, host, () => console.log(`kaml-d fixture exporter on http://${host}:${port}/metrics (${pods.length} pods, ${TRAININGS.length} training jobs)`));

function shutdown(): void {
  clearInterval(timer);
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
