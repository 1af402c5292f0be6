// "Train a model" with "Runs as: Kubeflow Trainer TrainJob": the form's runtime and nodes reach
// the launch step, the wait step follows the TrainJob, and the form refuses a runtime that is not
// a Kubernetes name or kind.
import { KubernetesObject } from '@kubernetes/client-node';
import { JsonObject } from '@backstage/types';
import { Schema, Validator } from 'jsonschema';
import { loadTemplate as load, runTemplate } from './__testUtils__/templates';

type TrainJob = KubernetesObject & { spec: Record<string, any> };

const values = {
  model: 'model:default/churn-classifier',
  dataset: 'dataset:default/customer-churn',
  image: 'ghcr.io/example/trainer:1.0',
  gpus: 1,
  cpu: '2',
  memory: '8Gi',
  timeoutMinutes: 120,
  kind: 'TrainJob',
  runtime: { name: 'deepspeed-distributed', kind: 'ClusterTrainingRuntime' },
  nodes: 2,
};

describe('"Train a model" as a TrainJob', () => {
  it('launches a TrainJob on the chosen runtime and nodes and reports its outcome', async () => {
    const { cluster, output } = await runTemplate(
      load('train-model.yaml'),
      values,
      {
        prepare: ({ cluster: c }) => {
          c.groupVersions.add('trainer.kubeflow.org/v1alpha1');
          c.resources.add('trainer.kubeflow.org/v1alpha1/trainjobs');
          for (const name of ['torch-distributed', 'deepspeed-distributed']) {
            c.put({
              apiVersion: 'trainer.kubeflow.org/v1alpha1',
              kind: 'ClusterTrainingRuntime',
              metadata: { name },
            });
          }
        },
      },
    );
    expect(cluster.all('Job')).toEqual([]);
    const [job] = cluster.all<TrainJob>('TrainJob');
    expect(job.spec.runtimeRef).toMatchObject({
      name: 'deepspeed-distributed',
      kind: 'ClusterTrainingRuntime',
    });
    expect(job.spec.trainer.numNodes).toBe(2);
    expect((output.text as JsonObject[])[0].content).toBe(
      `TrainJob **${job.metadata?.name}** in namespace \`kaml-d-training\`: Succeeded in 4 s.\n`,
    );
  });

  it('the form takes a runtime by name and kind (picked from the cluster) and needs one for a TrainJob only', () => {
    const trainer = load('train-model.yaml').spec.parameters[1] as Schema;
    const v = new Validator();
    const errors = (form: object) =>
      v.validate(form, trainer).errors.map(e => e.stack);
    const base = { image: 'trainer:1', gpus: 0, cpu: '2', memory: '8Gi' };
    expect(errors(base)).toEqual([]);
    expect(errors({ ...base, kind: 'Job' })).toEqual([]);
    expect(
      errors({
        ...base,
        kind: 'TrainJob',
        runtime: { name: 'torch-distributed', kind: 'ClusterTrainingRuntime' },
        nodes: 1,
      }),
    ).toEqual([]);
    expect(
      errors({
        ...base,
        kind: 'TrainJob',
        runtime: { name: 'team-torch', kind: 'TrainingRuntime' },
        nodes: 1,
      }),
    ).toEqual([]);
    expect(
      errors({
        ...base,
        kind: 'TrainJob',
        runtime: { name: 'team-torch', kind: 'Pod' },
        nodes: 1,
      }),
    ).not.toEqual([]);
    expect(errors({ ...base, kind: 'TrainJob', nodes: 1 })).not.toEqual([]);
    expect(
      errors({
        ...base,
        kind: 'TrainJob',
        runtime: { name: 'x;rm -rf', kind: 'ClusterTrainingRuntime' },
        nodes: 1,
      }),
    ).not.toEqual([]);
  });
});
