import type { V1Job, V1PodTemplateSpec } from '@kubernetes/client-node';

/** The parts of an operator job and a TrainJob these tests read. */
type OperatorJob = {
  spec: {
    pytorchReplicaSpecs: Record<string, { template: V1PodTemplateSpec }>;
  };
};
type TrainJobManifest = { spec: { podSpecOverrides?: unknown } };
import { buildTrainingRun, TrainingRunInput } from './trainingRun';

const input: TrainingRunInput = {
  model: 'model:default/traffic',
  datasets: ['dataset:default/traffic-pvc', 'dataset:default/counts'],
  args: [],
  gpus: 0,
  cpu: '1',
  memory: '1Gi',
  env: {},
  backoffLimit: 0,
  podAnnotations: {},
  workers: 1,
};

function run(kind: 'Job' | 'PyTorchJob' | 'TrainJob', locations: string[]) {
  return buildTrainingRun({
    kind,
    runtime:
      kind === 'TrainJob'
        ? { kind: 'ClusterTrainingRuntime', name: 'torch' }
        : undefined,
    jobName: 'train-traffic',
    namespace: 'kaml-d-training',
    modelName: 'traffic',
    taskLabel: 'task',
    image: 'trainer:1',
    locations,
    credentialsKeys: {},
    input,
  });
}

describe('pvc:// datasets in a training run', () => {
  it('mounts the claim read-only, as a volume and in the container', () => {
    const job = run('Job', [
      'pvc://kaml-d/kaml-d-training/traffic-restore-3f9a1c',
      's3://kaml-datasets/counts/',
    ]) as V1Job;
    const pod = job.spec!.template.spec!;
    expect(pod.volumes).toEqual([
      {
        name: 'dataset-0',
        persistentVolumeClaim: {
          claimName: 'traffic-restore-3f9a1c',
          readOnly: true,
        },
      },
    ]);
    expect(pod.containers[0].volumeMounts).toEqual([
      {
        name: 'dataset-0',
        mountPath: '/kaml/datasets/traffic-restore-3f9a1c',
        readOnly: true,
      },
    ]);
    expect(pod.containers[0].env).toContainEqual({
      name: 'KAML_DATASET_LOCATIONS',
      value:
        'pvc://kaml-d/kaml-d-training/traffic-restore-3f9a1c,s3://kaml-datasets/counts/',
    });
  });

  it('mounts into every replica of an operator kind', () => {
    const job = run('PyTorchJob', [
      'pvc://kaml-d/kaml-d-training/traffic',
    ]) as OperatorJob;
    const master = job.spec.pytorchReplicaSpecs.Master.template.spec!;
    expect(master.volumes![0].persistentVolumeClaim).toEqual({
      claimName: 'traffic',
      readOnly: true,
    });
    expect(master.containers[0].volumeMounts![0].readOnly).toBe(true);
  });

  it('adds nothing for object-store datasets', () => {
    const pod = (run('Job', ['s3://kaml-datasets/counts/']) as V1Job).spec!
      .template.spec!;
    expect(pod.volumes).toBeUndefined();
    expect(pod.containers[0].volumeMounts).toBeUndefined();
  });

  it('mounts the claim read-only into the node job and container of a TrainJob (podSpecOverrides)', () => {
    const trainJob = run('TrainJob', [
      'pvc://kaml-d/kaml-d-training/traffic',
    ]) as TrainJobManifest;
    expect(trainJob.spec.podSpecOverrides).toEqual([
      {
        targetJobs: [{ name: 'node' }],
        volumes: [
          {
            name: 'dataset-0',
            persistentVolumeClaim: { claimName: 'traffic', readOnly: true },
          },
        ],
        containers: [
          {
            name: 'node',
            volumeMounts: [
              {
                name: 'dataset-0',
                mountPath: '/kaml/datasets/traffic',
                readOnly: true,
              },
            ],
          },
        ],
      },
    ]);
    expect(
      (run('TrainJob', ['s3://kaml-datasets/counts/']) as TrainJobManifest).spec
        .podSpecOverrides,
    ).toBeUndefined();
  });

  it('refuses a claim of another namespace, saying what to change', () => {
    expect(() => run('Job', ['pvc://kaml-d/other-ns/traffic'])).toThrow(
      /claim in namespace other-ns, but the run is created in kaml-d-training.*set namespace to other-ns/,
    );
    expect(() => run('Job', ['pvc://kaml-d/kaml-d-training'])).toThrow(
      /three parts/,
    );
  });
});
