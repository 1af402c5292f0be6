import yaml from 'yaml';
import { JsonObject } from '@backstage/types';
import { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { runAction } from '../__testUtils__/actionContext';
import { setup } from '../__testUtils__/setup';
import { createTrainingLaunchAction } from './trainingLaunch';
import { createTrainingWaitAction } from './trainingWait';
import { createModelDeployAction } from './modelDeploy';
import { createModelWaitReadyAction } from './modelWaitReady';
import { createDatasetRegisterAction } from './datasetRegister';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
  // Kubeflow Trainer v2 with its torch-distributed runtime, for the TrainJob example
  env.cluster.groupVersions.add('trainer.kubeflow.org/v1alpha1');
  env.cluster.resources.add('trainer.kubeflow.org/v1alpha1/trainjobs');
  env.cluster.put({
    apiVersion: 'trainer.kubeflow.org/v1alpha1',
    kind: 'ClusterTrainingRuntime',
    metadata: { name: 'torch-distributed' },
  });
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

describe('every kaml-d:dataset:register example runs', () => {
  let server: Server;
  let baseUrl: string;
  let workspace: string;
  const registered = new Set<string>();

  beforeAll(async () => {
    // the KAML-D backend's upload and register routes, answering as they do
    server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      let name: string;
      let location: string;
      let objects: Array<{ key: string; size: number }>;
      if (req.url?.endsWith('/datasets/upload')) {
        const form = await new Request('http://x/', {
          method: 'POST',
          headers: { 'content-type': String(req.headers['content-type']) },
          body,
        }).formData();
        name = String(form.get('name'));
        location = `s3://kaml-datasets/${name}/`;
        objects = [...form.entries()]
          .filter(([, v]) => typeof v !== 'string')
          .map(([, v]) => ({ key: (v as File).name, size: (v as File).size }));
      } else {
        const json = JSON.parse(body.toString('utf8'));
        name = json.name;
        location = json.location;
        objects = [{ key: 'part-0.parquet', size: 1 }];
      }
      registered.add(`dataset:default/${name}`);
      res.statusCode = 201;
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          entityRef: `dataset:default/${name}`,
          location,
          objects,
          manifestKey: 'catalog-info.yaml',
          registration: 'discovery',
        }),
      );
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${
      (server.address() as AddressInfo).port
    }/api/kaml-d`;
    workspace = await mkdtemp(join(tmpdir(), 'examples-'));
    await mkdir(join(workspace, 'data'));
    await writeFile(
      join(workspace, 'data', 'reviews.csv'),
      'stars,text\n5,ok\n',
    );
  });
  afterAll(async () => {
    await new Promise(r => server.close(r));
    await rm(workspace, { recursive: true, force: true });
  });

  const action = createDatasetRegisterAction({
    discovery: {
      getBaseUrl: async () => baseUrl,
      getExternalBaseUrl: async () => baseUrl,
    },
    auth: mockServices.auth(),
    catalog: catalogServiceMock.mock({
      getEntityByRef: async ref =>
        registered.has(String(ref))
          ? {
              apiVersion: 'kaml-d.io/v1alpha1',
              kind: 'Dataset',
              metadata: { name: 'x' },
            }
          : undefined,
    }),
    permissions: mockServices.permissions(),
  });

  it.each(action.examples!.map(e => [e.description, e.example] as const))(
    '%s',
    async (_description, example) => {
      const { steps } = yaml.parse(example) as {
        steps: Array<{ id: string; action: string; input: JsonObject }>;
      };
      for (const step of steps) {
        const result = await runAction(action, step.input, {
          workspacePath: workspace,
        });
        expect(result.outputs.entityRef).toBe(
          `dataset:default/${step.input.name}`,
        );
        expect(result.outputs.fileCount).toBeGreaterThan(0);
      }
    },
  );
});
