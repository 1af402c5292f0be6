// The golden-path templates in catalog/templates, run the way the scaffolder runs them: each is a
// valid Template entity, its steps name this module's actions, and with representative form
// values every step input (rendered by the scaffolder's template engine) passes the action's
// schema and the steps complete against the in-memory cluster.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import yaml from 'yaml';
import { createTemplateRenderer } from 'nunjitsu';
import { JsonObject } from '@backstage/types';
import { Entity } from '@backstage/catalog-model';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { V1Deployment, V1Job } from '@kubernetes/client-node';
import { runAction } from './__testUtils__/actionContext';
import { setup } from './__testUtils__/setup';
import { createTrainingLaunchAction } from './actions/trainingLaunch';
import { createTrainingWaitAction } from './actions/trainingWait';
import { createModelDeployAction } from './actions/modelDeploy';
import { createModelWaitReadyAction } from './actions/modelWaitReady';

const templatesDir = resolvePackagePath(
  '@kaml-d/plugin-scaffolder-backend-module-kaml-d',
  '../../catalog/templates',
);

type Step = {
  id: string;
  action: string;
  if?: string | boolean;
  input: JsonObject;
};
type Template = Entity & { spec: { steps: Step[]; output: JsonObject } };

function load(file: string): Template {
  return yaml.parse(readFileSync(resolve(templatesDir, file), 'utf8'));
}

async function runTemplate(template: Template, parameters: JsonObject) {
  const env = setup();
  const actions: Map<string, TemplateAction<any, any, 'v2'>> = new Map(
    [
      createTrainingLaunchAction({
        kubernetes: env.kubernetes,
        catalog: env.catalog,
      }),
      createTrainingWaitAction({ kubernetes: env.kubernetes }),
      createModelDeployAction({ kubernetes: env.kubernetes }),
      createModelWaitReadyAction({ kubernetes: env.kubernetes }),
    ].map(a => [a.id, a]),
  );
  const renderer = createTemplateRenderer({
    allowRegexExecution: true,
    filters: {},
    globals: {},
  });
  const steps: JsonObject = {};
  const render = (value: unknown): unknown =>
    JSON.parse(JSON.stringify(value), (_key, v) =>
      typeof v === 'string'
        ? renderer.renderValue(
            v,
            JSON.parse(JSON.stringify({ parameters, steps })),
          )
        : v,
    );
  for (const step of template.spec.steps) {
    const condition = render({ v: step.if }) as { v?: unknown };
    if (step.if !== undefined && !condition.v) continue;
    const action = actions.get(step.action);
    expect(action).toBeDefined();
    const input = render(step.input) as JsonObject;
    if (/wait/.test(step.action)) input.pollIntervalSeconds = 0.05;
    const { outputs } = await runAction(action!, input, {
      taskId: 'template-task',
      stepId: step.id,
    });
    steps[step.id] = { output: outputs };
  }
  return { ...env, output: render(template.spec.output) as JsonObject };
}

describe('catalog/templates', () => {
  it.each(['train-model.yaml', 'deploy-model.yaml'])(
    '%s is a valid Template entity',
    async file => {
      await expect(
        templateEntityV1beta3Validator.check(load(file)),
      ).resolves.toBe(true);
    },
  );

  it('"Train a model" launches a Job on the chosen datasets and reports its outcome', async () => {
    const { cluster, output } = await runTemplate(load('train-model.yaml'), {
      model: 'model:default/churn-classifier',
      datasets: ['dataset:default/customer-churn'],
      image: 'ghcr.io/example/trainer:1.0',
      gpus: 1,
      cpu: '2',
      memory: '8Gi',
      timeoutMinutes: 120,
    });
    const [job] = cluster.all<V1Job>('Job');
    expect(job.spec?.activeDeadlineSeconds).toBe(7200);
    expect(job.spec?.template.spec?.containers[0].command).toBeUndefined();
    expect(output).toEqual({
      links: [
        {
          title: 'Open the model',
          icon: 'catalog',
          entityRef: 'model:default/churn-classifier',
        },
      ],
      text: [
        {
          title: 'Training run',
          content: `Job **${job.metadata?.name}** in namespace \`kaml-d-training\`: Succeeded in 3 s.\n`,
        },
      ],
    });
  });

  it.each<[JsonObject, Array<[string, number]>]>([
    [{}, [['churn-classifier', 2]]],
    [
      { canaryImage: 'ghcr.io/example/server:2.0', canaryPercent: 25 },
      [
        ['churn-classifier', 3],
        ['churn-classifier-canary', 1],
      ],
    ],
  ])(
    '"Deploy a model" with %j serves the model and waits until ready',
    async (canary, expected) => {
      const { cluster, output } = await runTemplate(load('deploy-model.yaml'), {
        model: 'model:default/churn-classifier',
        image: 'ghcr.io/example/server:1.0',
        replicas: canary.canaryImage ? 4 : 2,
        ...canary,
      });
      expect(
        cluster
          .all<V1Deployment>('Deployment')
          .map(d => [d.metadata?.name, d.spec?.replicas]),
      ).toEqual(expected);
      expect(output.text).toEqual([
        {
          title: 'Endpoint',
          content:
            'Served in-cluster at `http://churn-classifier.kaml-d-models.svc.cluster.local`.\n',
        },
      ]);
    },
  );
});
