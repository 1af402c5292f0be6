import { CacheService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ObservationResponse } from '@kaml-d/plugin-kaml-d-common';
import {
  createObservationService,
  readObservationConfig,
} from '../services/Observation';
import { rigEnv } from './rigEnv';

// Fixture exporter → rig Prometheus → Observation answer, compared number by number. The test
// reads the exporter's /metrics itself at the start and the end of one 60 s window that is
// aligned to the answer's 15 s step, so the answer's point at the window's end (a rate over the
// same 60 s) must equal what the exporter's counters say happened in between.

const NAMESPACE = 'kaml-d-models';
const STEP = 15; // a 15m range is drawn with 15 s steps (chooseStep)
const WINDOW = 60; // rate window of a 15 s step: max(60, 2 × step)

const noCache: CacheService = {
  get: async () => undefined,
  set: async () => undefined,
  delete: async () => undefined,
  withOptions: () => noCache,
};

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text format the exporter serves (no escaped quotes in these labels). */
function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const l of (match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)) {
      labels[l[1]] = l[2];
    }
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

async function scrape(): Promise<Sample[]> {
  const res = await fetch(rigEnv('KAML_RIG_EXPORTER_URL'));
  if (!res.ok) throw new Error(`exporter answered ${res.status}`);
  return parseMetrics(await res.text());
}

/** The value of an instant PromQL query of one series at `time` (unix seconds) on the rig's Prometheus. */
async function storedAt(query: string, time: number): Promise<number> {
  const url = new URL('api/v1/query', `${rigEnv('KAML_RIG_PROMETHEUS_URL')}/`);
  url.searchParams.set('query', query);
  url.searchParams.set('time', String(time));
  const res = await fetch(url);
  if (!res.ok) throw new Error(`Prometheus answered ${res.status}`);
  const body = (await res.json()) as {
    data: { result: Array<{ value: [number, string] }> };
  };
  if (body.data.result.length !== 1)
    throw new Error(`${query} has ${body.data.result.length} series`);
  return Number(body.data.result[0].value[1]);
}

function total(
  samples: Sample[],
  name: string,
  where: (l: Record<string, string>) => boolean,
): number {
  return samples
    .filter(s => s.name === name && where(s.labels))
    .reduce((sum, s) => sum + s.value, 0);
}

/** Prometheus' histogram_quantile over cumulative bucket counts (linear within a bucket). */
function histogramQuantile(q: number, buckets: Array<[number, number]>) {
  const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
  const count = sorted[sorted.length - 1][1];
  const rank = q * count;
  let lower = 0;
  let below = 0;
  for (const [le, cumulative] of sorted) {
    if (cumulative >= rank) {
      if (!Number.isFinite(le)) return lower;
      return lower + ((le - lower) * (rank - below)) / (cumulative - below);
    }
    lower = le;
    below = cumulative;
  }
  return lower;
}

const sleepUntil = (unixSeconds: number) =>
  new Promise(r => setTimeout(r, Math.max(0, unixSeconds * 1000 - Date.now())));

/** Value of a panel's series at exactly time `t`. */
function at(
  answer: ObservationResponse,
  panel: string,
  label: string,
  t: number,
): number | undefined {
  const series = answer.panels
    .find(p => p.id === panel)
    ?.series.find(s => s.label === label);
  return series?.points.find(([time]) => time === t)?.[1];
}

function model(name: string) {
  return {
    apiVersion: 'kaml-d.io/v1alpha1',
    kind: 'Model',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'backstage.io/kubernetes-id': name,
        'backstage.io/kubernetes-namespace': NAMESPACE,
      },
    },
    spec: { owner: 'group:default/data-science' },
  };
}

describe('Observation answer numbers equal what the fixture exporter emits', () => {
  const service = createObservationService({
    config: readObservationConfig(
      new ConfigReader({
        kamlD: {
          observation: {
            prometheus: [
              { name: 'rig', url: rigEnv('KAML_RIG_PROMETHEUS_URL') },
            ],
          },
        },
      }),
    ),
    catalog: catalogServiceMock({
      entities: [model('voice-classifier'), model('fraud-detector')],
    }),
    cache: noCache,
    logger: mockServices.logger.mock(),
  });
  const credentials = mockCredentials.user('user:default/carol');

  it('request rate, error ratio, p50 latency, CPU, memory and GPU of voice-classifier and fraud-detector over one 60 s window', async () => {
    const start = Math.ceil(Date.now() / 1000 / STEP) * STEP;
    const end = start + WINDOW;
    await sleepUntil(start);
    const before = await scrape();
    await sleepUntil(end);
    const after = await scrape();
    // let Prometheus (2 s scrape interval) take the samples up to `end`
    await sleepUntil(end + 3);
    const [voice, fraud] = await Promise.all(
      ['voice-classifier', 'fraud-detector'].map(name =>
        service.observe(
          { kind: 'model', namespace: 'default', name },
          '15m',
          credentials,
        ),
      ),
    );
    expect(voice.stepSeconds).toBe(STEP);
    expect(voice.errors).toEqual([]);
    expect(fraud.errors).toEqual([]);

    const ofModel = (m: string) => (l: Record<string, string>) =>
      l.model === m && l.namespace === NAMESPACE;
    const delta = (
      name: string,
      where: (l: Record<string, string>) => boolean,
    ) => total(after, name, where) - total(before, name, where);

    for (const [name, answer] of [
      ['voice-classifier', voice],
      ['fraud-detector', fraud],
    ] as const) {
      // request rate: the answer splits it by status code; the sum is the model's rate
      const requests = delta('kaml_inference_requests_total', ofModel(name));
      const expectedRate = requests / WINDOW;
      const rateSeries = answer.panels.find(p => p.id === 'requestRate')!;
      const answeredRate = rateSeries.series
        .map(s => s.points.find(([t]) => t === end)?.[1] ?? 0)
        .reduce((a, b) => a + b, 0);
      expect(expectedRate).toBeGreaterThan(1);
      expect(Math.abs(answeredRate - expectedRate) / expectedRate).toBeLessThan(
        0.1,
      );
      // the 200s alone, per code
      const ok =
        delta(
          'kaml_inference_requests_total',
          l => ofModel(name)(l) && l.code === '200',
        ) / WINDOW;
      expect(
        Math.abs((at(answer, 'requestRate', '200', end) ?? NaN) - ok) / ok,
      ).toBeLessThan(0.1);

      // error ratio: 5xx over all answers in the same window
      const failed = delta(
        'kaml_inference_requests_total',
        l => ofModel(name)(l) && /^5/.test(l.code),
      );
      const ratio = at(answer, 'errorRatio', 'Error ratio (5xx)', end) ?? NaN;
      expect(Math.abs(ratio - failed / requests)).toBeLessThan(0.03);

      // p50 latency from the bucket counts that arrived in the window, summed over the pods
      const les = [
        ...new Set(
          after
            .filter(
              s => s.name === 'kaml_inference_request_duration_seconds_bucket',
            )
            .map(s => s.labels.le),
        ),
      ];
      const buckets = les.map(
        le =>
          [
            le === '+Inf' ? Infinity : Number(le),
            delta(
              'kaml_inference_request_duration_seconds_bucket',
              l => ofModel(name)(l) && l.le === le,
            ),
          ] as [number, number],
      );
      const p50 = histogramQuantile(0.5, buckets);
      const answeredP50 = at(answer, 'latency', 'p50', end) ?? NaN;
      expect(Math.abs(answeredP50 - p50) / p50).toBeLessThan(0.1);

      // CPU cores and memory per pod
      const pods = after
        .filter(
          s =>
            s.name === 'container_memory_working_set_bytes' &&
            s.labels.pod.startsWith(`${name}-predictor-`),
        )
        .map(s => s.labels.pod);
      expect(pods.length).toBeGreaterThan(0);
      for (const pod of pods) {
        const cores =
          delta('container_cpu_usage_seconds_total', l => l.pod === pod) /
          WINDOW;
        expect(
          Math.abs((at(answer, 'cpu', pod, end) ?? NaN) - cores) / cores,
        ).toBeLessThan(0.1);
        const bytes = total(
          after,
          'container_memory_working_set_bytes',
          l => l.pod === pod,
        );
        // the answer's point is the sample Prometheus holds at `end`, to the byte
        const stored = await storedAt(
          `sum(container_memory_working_set_bytes{pod="${pod}"})`,
          end,
        );
        expect(at(answer, 'memory', pod, end)).toBeCloseTo(stored, 0);
        // and that sample is the exporter's gauge: it was scraped up to 2 s before the test read
        // the gauge, which moves each 1 s tick by a 4 MB (1σ, ~1 % here) draw and 5 % over 45 s
        expect(Math.abs(stored - bytes) / bytes).toBeLessThan(0.06);
      }
    }

    // fixture figures, so the comparison above is about the right workloads
    const voiceRatio = at(voice, 'errorRatio', 'Error ratio (5xx)', end)!;
    expect(voiceRatio).toBeGreaterThan(0.2);
    expect(voiceRatio).toBeLessThan(0.4);
    expect(at(fraud, 'errorRatio', 'Error ratio (5xx)', end)).toBeLessThan(
      0.02,
    );

    // GPU memory and utilisation of voice-classifier's two GPUs, per pod (DCGM gauges)
    const gpuPods = after.filter(
      s =>
        s.name === 'DCGM_FI_DEV_FB_USED' &&
        s.labels.model === 'voice-classifier',
    );
    expect(gpuPods).toHaveLength(2);
    for (const gpu of gpuPods) {
      const { pod } = gpu.labels;
      // the answer's points are the samples Prometheus holds at `end`, exactly
      const storedUsed = await storedAt(
        `sum(DCGM_FI_DEV_FB_USED{pod="${pod}"})`,
        end,
      );
      const storedUtil = await storedAt(
        `avg(DCGM_FI_DEV_GPU_UTIL{pod="${pod}"})`,
        end,
      );
      expect(at(voice, 'gpuMemory', pod, end)).toBeCloseTo(storedUsed, 3);
      expect(at(voice, 'gpuUtil', pod, end)).toBeCloseTo(storedUtil, 3);
      // and those are the exporter's gauges, read up to one scrape apart: each second GPU memory
      // takes a new 50 MiB (1σ, about 0.15 % of its 36.8 GiB) draw, utilisation a new 6-point
      // (1σ) draw, so two reads of utilisation differ by up to about 35 points (4σ)
      expect(Math.abs(storedUsed - gpu.value) / gpu.value).toBeLessThan(0.04);
      const util = total(after, 'DCGM_FI_DEV_GPU_UTIL', l => l.pod === pod);
      expect(Math.abs(storedUtil - util)).toBeLessThan(35);
    }
    // fraud-detector runs on CPU only
    expect(fraud.panels.find(p => p.id === 'gpuUtil')?.series).toEqual([]);
  }, 120_000);
});
