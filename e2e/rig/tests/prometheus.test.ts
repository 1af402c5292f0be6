// Prometheus through its HTTP API (as the Observation Hub queries it): fixture series scraped from
// the project's exporter, recording rules, and the alert firing for the unhealthy voice-classifier.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, requireEnv } from './env.ts';

const MODELS = ['fraud-detector', 'traffic-forecaster', 'yield-predictor', 'voice-classifier', 'fingerprint-matcher'];

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

async function query(promql: string): Promise<Sample[]> {
  const url = new URL('/api/v1/query', requireEnv('KAML_RIG_PROMETHEUS_URL'));
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ query: promql }),
  });
  assert.equal(res.status, 200, `query ${promql} answered ${res.status}`);
  const body = (await res.json()) as { status: string; data: { resultType: string; result: Sample[] } };
  assert.equal(body.status, 'success');
  assert.equal(body.data.resultType, 'vector');
  return body.data.result;
}

test('the fixture exporter target is up and every model has request series', async () => {
  const up = await eventually('exporter target up', async () => {
    const r = await query('up{job="kaml-fixture-exporter"}');
    return r.length === 1 && r[0].value[1] === '1' ? r : undefined;
  });
  assert.equal(up[0].value[1], '1');

  const requests = await query('sum by (model) (kaml_inference_requests_total{namespace="kaml-d-models"})');
  assert.deepEqual(requests.map(s => s.metric.model).sort(), [...MODELS].sort());
  const dims = await query('count by (__name__) ({__name__=~"DCGM_FI_DEV_GPU_UTIL|DCGM_FI_DEV_FB_USED|DCGM_FI_DEV_FB_FREE|container_cpu_usage_seconds_total|container_memory_working_set_bytes|kaml_training_loss|kaml_training_epoch|kaml_training_epochs_total|kaml_inference_request_duration_seconds_bucket|kaml_inference_errors_total"})');
  assert.equal(dims.length, 10, `missing series families: ${dims.map(d => d.metric.__name__).join(', ')}`);
  const gpu = await query('DCGM_FI_DEV_GPU_UTIL{model="voice-classifier"}');
  assert.ok(gpu.length >= 1);
  for (const label of ['gpu', 'UUID', 'Hostname', 'namespace', 'pod']) assert.ok(gpu[0].metric[label], `DCGM series lacks ${label}`);
});

test('rates and latency quantiles move, voice-classifier is the unhealthy one', async () => {
  const ratios = await eventually('error ratios for every model', async () => {
    const r = await query('kaml:inference_error_ratio:1m');
    return r.length === MODELS.length && r.every(s => s.value[1] !== 'NaN') ? r : undefined;
  }, 90_000);
  const byModel = Object.fromEntries(ratios.map(s => [s.metric.model, Number(s.value[1])]));
  assert.ok(byModel['voice-classifier'] > 0.1, `voice-classifier error ratio ${byModel['voice-classifier']}`);
  assert.ok(byModel['fraud-detector'] < 0.05, `fraud-detector error ratio ${byModel['fraud-detector']}`);

  const p95 = await query('histogram_quantile(0.95, sum by (model, le) (rate(kaml_inference_request_duration_seconds_bucket{model=~"voice-classifier|fraud-detector"}[1m])))');
  const lat = Object.fromEntries(p95.map(s => [s.metric.model, Number(s.value[1])]));
  assert.ok(lat['voice-classifier'] > 1, `voice-classifier p95 ${lat['voice-classifier']}`);
  assert.ok(lat['fraud-detector'] < 0.25, `fraud-detector p95 ${lat['fraud-detector']}`);

  const loss = await query('kaml_training_loss{model="traffic-forecaster"}');
  assert.equal(loss.length, 1);
  assert.ok(Number(loss[0].value[1]) > 0);
});

test('KamlModelHighErrorRate fires for voice-classifier only', async () => {
  interface Alert {
    labels: Record<string, string>;
    state: string;
  }
  const firing = await eventually('KamlModelHighErrorRate firing', async () => {
    const res = await fetch(new URL('/api/v1/alerts', requireEnv('KAML_RIG_PROMETHEUS_URL')));
    const body = (await res.json()) as { data: { alerts: Alert[] } };
    const alerts = body.data.alerts.filter(a => a.labels.alertname === 'KamlModelHighErrorRate' && a.state === 'firing');
    return alerts.length > 0 ? alerts : undefined;
  }, 120_000);
  assert.deepEqual(firing.map(a => a.labels.model), ['voice-classifier']);
  assert.equal(firing[0].labels.severity, 'critical');
  assert.equal(firing[0].labels.namespace, 'kaml-d-models');

  // the same through the ALERTS series, as a PromQL client sees it
  const series = await query('ALERTS{alertstate="firing", alertname=~"KamlModelHigh.*"}');
  assert.ok(series.every(s => s.metric.model === 'voice-classifier'), JSON.stringify(series.map(s => s.metric)));

  // the other rules are loaded and healthy, just not firing
  const rules = (await (await fetch(new URL('/api/v1/rules?type=alert', requireEnv('KAML_RIG_PROMETHEUS_URL')))).json()) as {
    data: { groups: { rules: { name: string; health: string; state: string }[] }[] };
  };
  const all = rules.data.groups.flatMap(g => g.rules);
  for (const name of ['KamlGpuMemoryNearlyFull', 'KamlContainerMemoryHigh', 'KamlTrainingStalled', 'KamlExporterDown']) {
    const rule = all.find(r => r.name === name);
    assert.ok(rule, `rule ${name} not loaded`);
    assert.equal(rule.health, 'ok');
    assert.equal(rule.state, 'inactive', `${name} should not fire`);
  }
});
