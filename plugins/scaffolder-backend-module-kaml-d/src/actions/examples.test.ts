import yaml from 'yaml';
import { JsonObject } from '@backstage/types';
import { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { runAction } from '../__testUtils__/actionContext';
import { setup } from '../__testUtils__/setup';
import { createTrainingLaunchAction } from './trainingLaunch';
import { createTrainingWaitAction } from './trainingWait';
import { createModelDeployAction } from './modelDeploy';
import { createModelWaitReadyAction } from './modelWaitReady';

/** Replaces `${{ steps.x.output.y }}` with the outputs of the steps run before. */
function render(
  value: unknown,
  outputs: Record<string, Record<string, unknown>>,
): unknown {
  if (typeof value === 'string') {
    const m = /^\$\{\{\s*steps\.(\w+)\.output\.(\w+)\s*\}\}$/.exec(value);
    return m ? outputs[m[1]]?.[m[2]] : value;
  }
  if (Array.isArray(value)) return value.map(v => render(v, outputs));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, render(v, outputs)]),
    );
  }
  return value;
}

describe('every action example runs', () => {
  const env = setup();
  const actions: Array<TemplateAction<any, any, 'v2'>> = [];
  const byId = () => new Map(actions.map(a => [a.id, a]));
  actions.push(
    createTrainingLaunchAction({
      kubernetes: env.kubernetes,
      catalog: env.catalog,
    }),
    createTrainingWaitAction({ kubernetes: env.kubernetes }),
    createModelDeployAction({ kubernetes: env.kubernetes }),
    createModelWaitReadyAction({ kubernetes: env.kubernetes }),
  );
  // the steps the wait examples refer to
  const preceding: Record<string, { action: string; input: JsonObject }> = {
    launch: {
      action: 'kaml-d:training:launch',
      input: { model: 'churn-classifier', image: 'trainer:1' },
    },
    deploy: {
      action: 'kaml-d:model:deploy',
      input: { model: 'model:default/churn-classifier', image: 'server:1' },
    },
  };

  const cases = actions.flatMap(a =>
    (a.examples ?? []).map(e => [a.id, e.description, e.example] as const),
  );

  it.each(cases)('%s: %s', async (_id, _description, example) => {
    const { steps } = yaml.parse(example) as {
      steps: Array<{ id: string; action: string; input: JsonObject }>;
    };
    const outputs: Record<string, Record<string, unknown>> = {};
    for (const [id, step] of Object.entries(preceding)) {
      if (example.includes(`steps.${id}.output`)) {
        outputs[id] = (
          await runAction(byId().get(step.action)!, step.input, {
            taskId: `pre-${_description}`,
          })
        ).outputs;
      }
    }
    for (const step of steps) {
      const action = byId().get(step.action)!;
      const input = render(step.input, outputs) as JsonObject;
      const result = await runAction(
        action,
        {
          ...input,
          ...(input.pollIntervalSeconds === undefined &&
          /wait/.test(step.action)
            ? { pollIntervalSeconds: 0.05 }
            : {}),
        },
        { taskId: `example-${_description}` },
      );
      expect(Object.keys(result.outputs).length).toBeGreaterThan(0);
      outputs[step.id] = result.outputs;
    }
  });
});
