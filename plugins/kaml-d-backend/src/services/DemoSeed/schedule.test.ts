import { SchedulerService } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import {
  startKamlDTestBackend,
  testDataset,
} from '../../__testUtils__/bindings';
import { DEMO_SEED_TASK_ID } from './schedule';

jest.setTimeout(60_000);

const model = {
  apiVersion: 'kaml-d.io/v1alpha1',
  kind: 'Model',
  metadata: { name: 'yield-predictor', namespace: 'default' },
  spec: { owner: 'group:default/data', trainedOn: ['agriculture-yields'] },
};

const seed = {
  snapshotMessage: 'Demo: seeded training data',
  models: [
    {
      model: 'model:default/yield-predictor',
      versions: [1, 2].map(n => ({
        description: `Demo version ${n}`,
        artifactUri: `s3://kaml-models/yield-predictor/demo-v${n}/model.json`,
        metrics: { rmse: 4 - n },
        parameters: {},
        trainedOn: ['dataset:default/agriculture-yields'],
      })),
      aliases: {
        production: 's3://kaml-models/yield-predictor/demo-v2/model.json',
      },
    },
  ],
};

describe('demo seed in the plugin', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'kaml-demo-seed-'));
    const folder = join(root, 'storage', 'kaml-datasets', 'agriculture-yields');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'yields.csv'), 'crop,yield\nwheat,7.1\n');
    await writeFile(join(root, 'seed.json'), JSON.stringify(seed));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function start(demo: object | undefined) {
    const scheduler = mockServices.scheduler.mock();
    const { server } = await startKamlDTestBackend({
      root,
      entities: [testDataset('agriculture-yields', 'csv'), model],
      kamlD: demo ? { demo } : {},
      features: [scheduler.factory],
    });
    const tasks = scheduler.scheduleTask.mock.calls.map(
      ([task]) => task as Parameters<SchedulerService['scheduleTask']>[0],
    );
    return { server, seedTask: tasks.find(t => t.id === DEMO_SEED_TASK_ID) };
  }

  const versionsOf = (server: Parameters<typeof request>[0]) =>
    request(server)
      .get('/api/kaml-d/models/default/yield-predictor/versions')
      .set('Authorization', mockCredentials.user.header());

  it('seeds through the scheduler when enabled, once however often the task runs', async () => {
    const { server, seedTask } = await start({
      seed: { enabled: true, file: join(root, 'seed.json') },
    });
    expect(seedTask).toBeDefined();
    expect(seedTask!.scope ?? 'global').toBe('global');
    expect((await versionsOf(server)).body.items).toEqual([]);

    const signal = new AbortController().signal;
    await seedTask!.fn(signal);
    await seedTask!.fn(signal);

    const res = await versionsOf(server);
    expect(res.status).toBe(200);
    expect(res.body.aliases).toEqual({ production: 2 });
    expect(
      res.body.items.map((v: { version: number; metrics: object }) => [
        v.version,
        v.metrics,
      ]),
    ).toEqual([
      [2, { rmse: 2 }],
      [1, { rmse: 3 }],
    ]);
    const snapshots = await request(server)
      .get('/api/kaml-d/datasets/default/agriculture-yields/snapshots')
      .set('Authorization', mockCredentials.user.header());
    expect(snapshots.body.items).toHaveLength(1);
    expect(snapshots.body.items[0].message).toBe('Demo: seeded training data');
    expect(res.body.items[0].trainedOn).toEqual([
      {
        datasetRef: 'dataset:default/agriculture-yields',
        snapshotId: snapshots.body.items[0].id,
      },
    ]);
  });

  it('schedules nothing when the seed is left out or disabled', async () => {
    expect((await start(undefined)).seedTask).toBeUndefined();
    expect(
      (
        await start({
          seed: { enabled: false, file: join(root, 'seed.json') },
        })
      ).seedTask,
    ).toBeUndefined();
  });

  it('refuses to start when the seed is enabled without a file', async () => {
    await expect(start({ seed: { enabled: true } })).rejects.toThrow(
      'kamlD.demo.seed.enabled is true but kamlD.demo.seed.file is not set',
    );
  });
});
