// Jaeger v2 all-in-one: a span sent over OTLP/HTTP (JSON) is stored in memory and found through
// the query API the way the portal's Traces link searches it (service, start and end in µs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { eventually, requireEnv } from './env.ts';

test('a span sent over OTLP/HTTP is found by service through the query API', async () => {
  const jaeger = requireEnv('KAML_RIG_JAEGER_URL');
  const otlp = requireEnv('KAML_RIG_JAEGER_OTLP_HTTP_URL');
  const service = `kaml-rig-${process.pid}-${Date.now()}`;
  const traceId = randomBytes(16).toString('hex');
  const startNs = BigInt(Date.now()) * 1_000_000n;
  const response = await fetch(`${otlp}/v1/traces`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
          scopeSpans: [
            {
              scope: { name: 'rig-test' },
              spans: [
                {
                  traceId,
                  spanId: randomBytes(8).toString('hex'),
                  name: 'predict',
                  kind: 2,
                  startTimeUnixNano: String(startNs),
                  endTimeUnixNano: String(startNs + 5_000_000n),
                },
              ],
            },
          ],
        },
      ],
    }),
  });
  assert.equal(response.status, 200, await response.text());

  await eventually('the service listed by /api/services', async () => {
    const body = (await (await fetch(`${jaeger}/api/services`)).json()) as { data: string[] | null };
    return body.data?.includes(service) ? true : undefined;
  });
  const startUs = Number(startNs / 1000n) - 60_000_000;
  const endUs = Number(startNs / 1000n) + 60_000_000;
  const traces = await eventually('the trace found by service and window', async () => {
    const url = `${jaeger}/api/traces?service=${encodeURIComponent(service)}&start=${startUs}&end=${endUs}&limit=20`;
    const body = (await (await fetch(url)).json()) as {
      data: Array<{ traceID: string; spans: Array<{ operationName: string }> }>;
    };
    return body.data?.length ? body.data : undefined;
  });
  assert.equal(traces[0].traceID, traceId);
  assert.equal(traces[0].spans[0].operationName, 'predict');
});
