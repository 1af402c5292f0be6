// The simulated workloads behind the fixture exporter. Model names match the catalog's Model
// entities; all run in namespace kaml-d-models.

export const NAMESPACE = 'kaml-d-models';

export interface ServingWorkload {
  model: string;
  version: string;
  framework: string;
  replicas: number;
  podHash: string;
  podSuffixes: string[];
  /** requests per second over all replicas */
  rps: number;
  /** share of 5xx answers */
  errorRatio: number;
  latencyMedianS: number;
  cpuCores: number;
  memoryMiB: number;
  gpu?: { utilBase: number; fbBaseMiB: number };
  /** phase of the traffic wave, so models do not move in lockstep */
  phase: number;
}

export const WORKLOADS: ServingWorkload[] = [
  { model: 'fraud-detector', version: '3', framework: 'sklearn', replicas: 2, podHash: '6d8f7c9b54', podSuffixes: ['k2x7p', 'q9w4z'], rps: 40, errorRatio: 0.002, latencyMedianS: 0.018, cpuCores: 0.6, memoryMiB: 410, phase: 0 },
  { model: 'traffic-forecaster', version: '5', framework: 'tensorflow', replicas: 1, podHash: '7b5c4d8f96', podSuffixes: ['m3n8r'], rps: 6, errorRatio: 0.004, latencyMedianS: 0.085, cpuCores: 0.4, memoryMiB: 900, phase: 1.3 },
  { model: 'yield-predictor', version: '2', framework: 'pytorch', replicas: 1, podHash: '5f9d6c7b48', podSuffixes: ['t6v2h'], rps: 2, errorRatio: 0.0, latencyMedianS: 0.06, cpuCores: 0.2, memoryMiB: 620, phase: 2.1 },
  // deliberately unhealthy: a third of the answers fail and the latency is in seconds
  { model: 'voice-classifier', version: '7', framework: 'tensorflow', replicas: 2, podHash: '8c6b9f5d47', podSuffixes: ['b8d5f', 'j4l9s'], rps: 12, errorRatio: 0.3, latencyMedianS: 1.9, cpuCores: 1.4, memoryMiB: 2300, gpu: { utilBase: 97, fbBaseMiB: 36500 }, phase: 0.7 },
  { model: 'fingerprint-matcher', version: '4', framework: 'onnx', replicas: 1, podHash: '4d7e8b6c59', podSuffixes: ['x5c1g'], rps: 9, errorRatio: 0.003, latencyMedianS: 0.035, cpuCores: 0.5, memoryMiB: 1200, gpu: { utilBase: 42, fbBaseMiB: 9800 }, phase: 3.0 },
];

export interface TrainingJob {
  model: string;
  job: string;
  pod: string;
  epochs: number;
  startEpoch: number;
  secondsPerEpoch: number;
  lossStart: number;
  lossFloor: number;
  lossDecayEpochs: number;
  memoryMiB: number;
  fbMiB: number;
}

export const TRAININGS: TrainingJob[] = [
  { model: 'traffic-forecaster', job: 'traffic-forecaster-train-v6', pod: 'traffic-forecaster-train-v6-8xk2q', epochs: 60, startEpoch: 12, secondsPerEpoch: 15, lossStart: 1.8, lossFloor: 0.21, lossDecayEpochs: 14, memoryMiB: 5200, fbMiB: 22000 },
  { model: 'fingerprint-matcher', job: 'fingerprint-matcher-train-v5', pod: 'fingerprint-matcher-train-v5-p7r3m', epochs: 30, startEpoch: 3, secondsPerEpoch: 25, lossStart: 2.4, lossFloor: 0.35, lossDecayEpochs: 8, memoryMiB: 7400, fbMiB: 31000 },
];
