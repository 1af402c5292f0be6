// Runs the templates of catalog/templates the way the scaffolder runs them: every string of a
// step's `if` and `input` rendered one by one by the scaffolder's template engine (nunjitsu, no
// JSON coercion, as NunjucksWorkflowRunner.render does), then handed to the action as values.
import { mkdtemp } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import yaml from 'yaml';
import { createTemplateRenderer, TemplateValue } from 'nunjitsu';
import { JsonObject } from '@backstage/types';
import { Entity, parseEntityRef } from '@backstage/catalog-model';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import {
  createCatalogWriteAction,
  createFetchTemplateAction,
} from '@backstage/plugin-scaffolder-backend';
import { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { runAction } from './actionContext';
import { setup } from './setup';
import { createTrainingLaunchAction } from '../actions/trainingLaunch';
import { createTrainingWaitAction } from '../actions/trainingWait';
import { createModelDeployAction } from '../actions/modelDeploy';
import { createModelWaitReadyAction } from '../actions/modelWaitReady';

export const templatesDir = resolvePackagePath(
  '@kaml-d/plugin-scaffolder-backend-module-kaml-d',
  '../../catalog/templates',
);

export type Step = {
  id: string;
  action: string;
  if?: string | boolean;
  input: JsonObject;
};
export type Template = Entity & {
  spec: { parameters: JsonObject[]; steps: Step[]; output: JsonObject };
};

export function loadTemplate(file: string): Template {
  return yaml.parse(readFileSync(resolve(templatesDir, file), 'utf8'));
}

/** The scaffolder's renderer with its default filters used by the templates. */
export function createRenderer() {
  return createTemplateRenderer({
    allowRegexExecution: true,
    filters: {
      // the same functions as the scaffolder's built-in parseEntityRef and pick filters
      parseEntityRef: (ref, context) => {
        const defaults = (context ?? {}) as {
          defaultKind?: string;
          defaultNamespace?: string;
        };
        const { kind, namespace, name } = parseEntityRef(String(ref), defaults);
        return { kind, namespace, name };
      },
      pick: (obj, key) =>
        (obj as Readonly<Record<string, TemplateValue>>)[String(key)] ?? null,
    },
    globals: {},
  });
}

/** A step run by hand (built-ins that need more of the task context than runAction gives). */
export type StepRunner = (input: JsonObject) => Promise<JsonObject>;

export async function runTemplate(
  template: Template,
  parameters: JsonObject,
  options: {
    extra?: TemplateAction<any, any, 'v2'>[];
    runners?: Record<string, StepRunner>;
    workspacePath?: string;
    dryRun?: boolean;
    /** Prepares the cluster before the first step (CRDs served, runtimes installed). */
    prepare?: (env: ReturnType<typeof setup>) => void;
  } = {},
) {
  const env = setup();
  options.prepare?.(env);
  const actions: Map<string, TemplateAction<any, any, 'v2'>> = new Map(
    [
      createTrainingLaunchAction({
        kubernetes: env.kubernetes,
        catalog: env.catalog,
      }),
      createTrainingWaitAction({ kubernetes: env.kubernetes }),
      createModelDeployAction({ kubernetes: env.kubernetes }),
      createModelWaitReadyAction({ kubernetes: env.kubernetes }),
      createCatalogWriteAction(),
      ...(options.extra ?? []),
    ].map(a => [a.id, a]),
  );
  const renderer = createRenderer();
  const steps: JsonObject = {};
  const inputs: Record<string, JsonObject> = {};
  // as NunjucksWorkflowRunner.render: a string that fails to render is kept as it is
  const render = (value: unknown): unknown =>
    JSON.parse(JSON.stringify(value), (_key, v) => {
      if (typeof v !== 'string') return v;
      try {
        return renderer.renderValue(
          v,
          JSON.parse(JSON.stringify({ parameters, steps })),
        );
      } catch {
        return v;
      }
    });
  for (const step of template.spec.steps) {
    const condition = render({ v: step.if }) as { v?: unknown };
    if (step.if !== undefined && !condition.v) continue;
    const input = render(step.input) as JsonObject;
    inputs[step.id] = input;
    const runner = options.runners?.[step.action];
    if (runner) {
      steps[step.id] = { output: await runner(input) };
      continue;
    }
    const action = actions.get(step.action);
    expect(action).toBeDefined();
    if (/wait/.test(step.action)) input.pollIntervalSeconds = 0.05;
    const { outputs } = await runAction(action!, input, {
      taskId: 'template-task',
      stepId: step.id,
      workspacePath: options.workspacePath,
      dryRun: options.dryRun,
    });
    steps[step.id] = { output: outputs };
  }
  return {
    ...env,
    inputs,
    output: render(template.spec.output) as JsonObject,
  };
}

/** fetch:template as the scaffolder runs it for a template registered from `file`. */
export function fetchTemplateRunner(
  file: string,
  workspacePath: string,
  tmp: string,
): StepRunner {
  const fetchTemplate = createFetchTemplateAction({
    reader: mockServices.urlReader.mock(),
    integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
  });
  return async input => {
    await fetchTemplate.handler({
      input,
      workspacePath,
      logger: mockServices.logger.mock(),
      output: () => {},
      checkpoint: async <T>(opts: { key: string; fn: () => Promise<T> | T }) =>
        opts.fn(),
      createTemporaryDirectory: () => mkdtemp(join(tmp, 'fetch-')),
      getInitiatorCredentials: async () => mockCredentials.user(),
      templateInfo: {
        entityRef: `template:default/${file.replace(/\.yaml$/, '')}`,
        baseUrl: pathToFileURL(resolve(templatesDir, file)).toString(),
      },
      task: { id: 'template-task' },
    } as unknown as Parameters<typeof fetchTemplate.handler>[0]);
    return {};
  };
}
