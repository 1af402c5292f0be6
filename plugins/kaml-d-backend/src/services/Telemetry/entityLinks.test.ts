import { ConfigReader } from '@backstage/config';
import { ObservationWorkload } from '@kaml-d/plugin-kaml-d-common';
import { readTelemetryConfig } from './config';
import { entityTelemetry } from './entityLinks';

const window = { startMs: 1_000_000, endMs: 2_000_000 };
const workload = (kind: string, name: string): ObservationWorkload => ({
  cluster: 'c',
  kind,
  namespace: 'kaml-d-models',
  name,
  phase: 'Running',
  healthy: true,
  conditions: [],
});
const config = readTelemetryConfig(
  new ConfigReader({
    kamlD: {
      observation: {
        logs: { kibana: { url: 'https://k.example.com', dataView: 'logs' } },
      },
    },
  }),
);
const kqlOf = (url: string) =>
  decodeURIComponent(url).replace(/^.*query:'(.*)'\)\)$/, '$1');

describe('entityTelemetry', () => {
  it('links each workload to its pods and the entity to every pod found', () => {
    const out = entityTelemetry(config, {
      namespace: 'kaml-d-models',
      id: 'voice',
      service: 'voice',
      workloads: [
        workload('Deployment', 'voice'),
        workload('Pod', 'voice-7d9-abcde'),
      ],
      window,
    });
    expect(out.configured).toEqual({ logs: true, traces: false });
    expect(kqlOf(out.workloads[0].telemetry!.logs[0].url)).toBe(
      'kubernetes.namespace:"kaml-d-models" and kubernetes.pod.name:voice-*',
    );
    expect(kqlOf(out.workloads[1].telemetry!.logs[0].url)).toBe(
      'kubernetes.namespace:"kaml-d-models" and kubernetes.pod.name:"voice-7d9-abcde"',
    );
    expect(kqlOf(out.telemetry!.logs[0].url)).toBe(
      'kubernetes.namespace:"kaml-d-models" and kubernetes.pod.name:"voice-7d9-abcde"',
    );
    expect(out.telemetry!.traces).toEqual([]);
  });

  it('falls back to pods named after the kubernetes id, and changes nothing when no tool is configured', () => {
    const out = entityTelemetry(config, {
      namespace: 'ns',
      id: 'voice',
      service: 'voice',
      workloads: [],
      window,
    });
    expect(kqlOf(out.telemetry!.logs[0].url)).toBe(
      'kubernetes.namespace:"ns" and kubernetes.pod.name:voice-*',
    );
    const workloads = [workload('Pod', 'p')];
    const none = entityTelemetry(readTelemetryConfig(new ConfigReader({})), {
      namespace: 'ns',
      id: 'voice',
      service: 'voice',
      workloads,
      window,
    });
    expect(none).toEqual({
      workloads,
      configured: { logs: false, traces: false },
    });
  });
});
