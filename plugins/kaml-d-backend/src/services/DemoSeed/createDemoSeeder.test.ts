import { mockServices } from '@backstage/backend-test-utils';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  credentials,
  fraud,
  versionsApp,
} from '../../__testUtils__/versionsApp';
import { createDemoSeeder } from './createDemoSeeder';
import { DemoSeed, readDemoSeed } from './seedFile';

jest.setTimeout(60_000);

const MESSAGE = 'Demo: the data the seeded demo model versions were fitted on';

const version = (n: number, auc: number) => ({
  description: `Demo version ${n}`,
  artifactUri: `s3://kaml-models/fraud-detector/demo-v${n}/model.json`,
  metrics: { auc, f1: auc - 0.2 },
  parameters: { method: `method-${n}` },
  trainedOn: ['dataset:default/transactions'],
});

const seed = (models: DemoSeed['models']): DemoSeed => ({
  snapshotMessage: MESSAGE,
  models,
});

const fraudSeed = {
  model: 'model:default/fraud-detector',
  versions: [version(1, 0.88), version(2, 0.92), version(3, 0.9)],
  aliases: { production: 's3://kaml-models/fraud-detector/demo-v2/model.json' },
};

describe('demo seed', () => {
  const setup = versionsApp();

  async function seeder() {
    const app = await setup();
    return {
      ...app,
      seeder: createDemoSeeder({
        snapshots: app.snapshots,
        modelVersions: app.modelVersions,
        logger: mockServices.logger.mock(),
        credentials: async () => credentials,
      }),
    };
  }

  it('registers the versions on one snapshot of the training data and promotes one; a second run changes nothing', async () => {
    const { seeder: demo, modelVersions, snapshots } = await seeder();
    const first = await demo.run(seed([fraudSeed]));
    expect(first.registered).toEqual([
      'model:default/fraud-detector@1',
      'model:default/fraud-detector@2',
      'model:default/fraud-detector@3',
    ]);
    expect(first.promoted).toEqual([
      'model:default/fraud-detector:production=2',
    ]);
    expect(first.waiting).toEqual([]);

    const taken = await snapshots.list(
      { kind: 'dataset', namespace: 'default', name: 'transactions' },
      credentials,
    );
    expect(taken).toHaveLength(1);
    expect(taken[0]).toMatchObject({ message: MESSAGE, objectCount: 1 });
    const listed = await modelVersions.list(fraud, credentials);
    expect(listed.aliases).toEqual({ production: 2 });
    expect(listed.items.map(v => [v.version, v.metrics.auc])).toEqual([
      [3, 0.9],
      [2, 0.92],
      [1, 0.88],
    ]);
    for (const v of listed.items) {
      expect(v.trainedOn).toEqual([
        { datasetRef: 'dataset:default/transactions', snapshotId: taken[0].id },
      ]);
    }

    const second = await demo.run(seed([fraudSeed]));
    expect(second).toEqual({
      snapshots: {},
      registered: [],
      promoted: [],
      waiting: [],
    });
    expect(await modelVersions.list(fraud, credentials)).toEqual(listed);
    expect(
      await snapshots.list(
        { kind: 'dataset', namespace: 'default', name: 'transactions' },
        credentials,
      ),
    ).toHaveLength(1);
  });

  it('completes a partly seeded model and keeps an alias a user set', async () => {
    const { seeder: demo, modelVersions } = await seeder();
    await demo.run(
      seed([{ ...fraudSeed, versions: [version(1, 0.88)], aliases: {} }]),
    );
    await modelVersions.promote(fraud, 'production', 1, credentials);

    const result = await demo.run(seed([fraudSeed]));
    expect(result.registered).toEqual([
      'model:default/fraud-detector@2',
      'model:default/fraud-detector@3',
    ]);
    expect(result.promoted).toEqual([]);
    const listed = await modelVersions.list(fraud, credentials);
    expect(listed.items).toHaveLength(3);
    expect(listed.aliases).toEqual({ production: 1 });
    // the later versions pin the snapshot the first one was registered on
    expect(new Set(listed.items.map(v => v.trainedOn[0].snapshotId)).size).toBe(
      1,
    );
  });

  it('seeds what the catalog has and waits for a model it does not have yet', async () => {
    const { seeder: demo } = await seeder();
    const result = await demo.run(
      seed([
        { ...fraudSeed, model: 'model:default/not-yet-in-catalog' },
        fraudSeed,
      ]),
    );
    expect(result.waiting).toEqual(['model:default/not-yet-in-catalog']);
    expect(result.registered).toHaveLength(3);
  });
});

describe('demo seed file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kaml-seed-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a seed and says which field is wrong and how to fix it', async () => {
    const file = join(dir, 'seed.json');
    await writeFile(file, JSON.stringify(seed([fraudSeed])));
    expect((await readDemoSeed(file)).models[0].versions).toHaveLength(3);

    await writeFile(
      file,
      JSON.stringify({
        snapshotMessage: MESSAGE,
        models: [
          {
            ...fraudSeed,
            versions: [{ ...version(1, 0.5), metrics: { auc: 'high' } }],
          },
        ],
      }),
    );
    await expect(readDemoSeed(file)).rejects.toThrow(
      /models\.0\.versions\.0\.metrics\.auc .*scripts\/demo-data\/models\.ts/,
    );
    await writeFile(
      file,
      JSON.stringify(
        seed([{ ...fraudSeed, aliases: { production: 's3://b/x' } }]),
      ),
    );
    await expect(readDemoSeed(file)).rejects.toThrow(
      'alias production of model:default/fraud-detector points at s3://b/x, which is none of its versions',
    );
    await expect(readDemoSeed(join(dir, 'missing.json'))).rejects.toThrow(
      /Cannot read the demo seed .*missing\.json.*kamlD\.demo\.seed\.enabled to false/,
    );
  });
});
