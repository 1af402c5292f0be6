// The golden-path templates in catalog/templates, run the way the scaffolder runs them: each is a
// valid Template entity, its steps name this module's actions, and with representative form
// values every step input (rendered by the scaffolder's template engine) passes the action's
// schema and the steps complete against the in-memory cluster; "New ML model project" renders its
// skeleton with the real fetch:template action into a Model entity the KAML-D validator accepts,
// and publishes it as a local Git repository.
import fs from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import git from 'isomorphic-git';
import yaml from 'yaml';
import { JsonObject } from '@backstage/types';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { modelEntityV1alpha1Validator } from '@kaml-d/plugin-kaml-d-common';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import { V1Deployment, V1Job } from '@kubernetes/client-node';
import {
  fetchTemplateRunner,
  loadTemplate as load,
  runTemplate,
} from './__testUtils__/templates';
import { createPublishLocalAction } from './actions/publishLocal';
import { createDatasetRegisterAction } from './actions/datasetRegister';

describe('catalog/templates', () => {
  it.each(['train-model.yaml', 'deploy-model.yaml', 'new-model-project.yaml'])(
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
      dataset: 'dataset:default/customer-churn',
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
          title: 'Runs of the model',
          icon: 'dashboard',
          url: '/catalog/default/model/churn-classifier/runs',
        },
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
        cpu: '1',
        memory: '2Gi',
        gpus: 0,
        ...canary,
      });
      expect(
        cluster
          .all<V1Deployment>('Deployment')
          .map(d => [d.metadata?.name, d.spec?.replicas]),
      ).toEqual(expected);
      expect(
        cluster
          .all<V1Deployment>('Deployment')
          .map(d => d.spec?.template.spec?.containers[0].resources?.requests),
      ).toEqual(expected.map(() => ({ cpu: '1', memory: '2Gi' })));
      expect(output.links).toEqual([
        {
          title: 'Deployments of the model',
          icon: 'dashboard',
          url: '/catalog/default/model/churn-classifier/deployments',
        },
        {
          title: 'Open the model',
          icon: 'catalog',
          entityRef: 'model:default/churn-classifier',
        },
      ]);
      expect(output.text).toEqual([
        {
          title: 'Endpoint',
          content:
            'Served in-cluster at `http://churn-classifier.kaml-d-models.svc.cluster.local` by Deployment `churn-classifier` in namespace `kaml-d-models`.\n',
        },
      ]);
    },
  );

  describe('"New ML model project"', () => {
    let base: string;
    beforeEach(async () => {
      base = await mkdtemp(join(tmpdir(), 'new-model-project-'));
    });
    afterEach(() => rm(base, { recursive: true, force: true }));

    /** Runs the template: the real fetch:template on the skeleton, publish, and a register step. */
    async function create(parameters: JsonObject) {
      const workspacePath = join(base, 'workspace');
      const root = join(base, 'projects');
      const registered: string[] = [];
      const { output } = await runTemplate(
        load('new-model-project.yaml'),
        parameters,
        {
          workspacePath,
          extra: [createPublishLocalAction({ root })],
          runners: {
            'fetch:template': fetchTemplateRunner(
              'new-model-project.yaml',
              workspacePath,
              base,
            ),
            // the catalog reads the location the way catalog:register asks it to
            'catalog:register': async input => {
              registered.push(String(input.catalogInfoUrl));
              const entity = yaml.parse(
                await readFile(new URL(String(input.catalogInfoUrl)), 'utf8'),
              );
              return {
                entityRef: `model:default/${entity.metadata.name}`,
                catalogInfoUrl: input.catalogInfoUrl,
              };
            },
          },
        },
      );
      const repo = join(root, String(parameters.name));
      const entity = yaml.parse(
        await readFile(join(repo, 'catalog-info.yaml'), 'utf8'),
      );
      return { output, repo, entity, registered };
    }

    it('writes the skeleton, publishes it as a repository and registers a valid Model', async () => {
      const { output, repo, entity, registered } = await create({
        name: 'churn-classifier',
        title: 'Churn classifier: v2',
        description: '',
        owner: 'group:default/data-science',
        system: 'system:default/customer-retention',
        framework: 'pytorch',
        task: 'binary-classification',
        lifecycle: 'experimental',
        datasets: [
          'dataset:default/customer-churn',
          'dataset:default/clickstream-events',
        ],
      });
      await expect(modelEntityV1alpha1Validator.check(entity)).resolves.toBe(
        true,
      );
      expect(entity).toEqual({
        apiVersion: 'kaml-d.io/v1alpha1',
        kind: 'Model',
        metadata: {
          name: 'churn-classifier',
          title: 'Churn classifier: v2',
          description: 'Churn classifier: v2',
          tags: ['pytorch'],
          annotations: {
            'backstage.io/kubernetes-id': 'churn-classifier',
            'backstage.io/kubernetes-namespace': 'kaml-d-models',
          },
        },
        spec: {
          owner: 'group:default/data-science',
          lifecycle: 'experimental',
          system: 'system:default/customer-retention',
          framework: 'pytorch',
          task: 'binary-classification',
          trainedOn: [
            'dataset:default/customer-churn',
            'dataset:default/clickstream-events',
          ],
        },
      });
      expect((await git.listFiles({ fs, dir: repo })).sort()).toEqual([
        'README.md',
        'catalog-info.yaml',
        'requirements.txt',
        'src/train.py',
      ]);
      const requirements = await readFile(
        join(repo, 'requirements.txt'),
        'utf8',
      );
      expect(requirements).toBe('pandas>=2.0\ns3fs>=2024.2\ntorch>=2.2\n');
      for (const file of ['README.md', 'src/train.py']) {
        const text = await readFile(join(repo, file), 'utf8');
        expect(text).not.toMatch(/\$\{\{|\{%/);
      }
      const readme = await readFile(join(repo, 'README.md'), 'utf8');
      expect(readme.split('\n').slice(0, 3)).toEqual([
        '# Churn classifier: v2 (`churn-classifier`)',
        '',
        'Churn classifier: v2',
      ]);
      expect(readme).toContain(
        'A pytorch model for **binary-classification**, owned by `group:default/data-science`, created',
      );
      const catalogInfoUrl = pathToFileURL(
        join(repo, 'catalog-info.yaml'),
      ).toString();
      expect(registered).toEqual([catalogInfoUrl]);
      expect(output.links).toEqual([
        {
          title: 'Open the model',
          icon: 'catalog',
          entityRef: 'model:default/churn-classifier',
        },
        {
          title: 'Train it',
          icon: 'dashboard',
          url: '/create/templates/default/train-model',
        },
      ]);
      const [head] = await git.log({ fs, dir: repo });
      expect((output.text as JsonObject[])[0].content).toContain(
        `git clone ${pathToFileURL(repo)}`,
      );
      expect((output.text as JsonObject[])[0].content).toContain(head.oid);
    });

    it('leaves out system and trainedOn when none is picked', async () => {
      const { entity, repo } = await create({
        name: 'yield-baseline',
        title: 'Yield baseline',
        description: 'Predicts plot yield.',
        owner: 'group:default/data-science',
        framework: 'sklearn',
        task: 'regression',
        lifecycle: 'production',
      });
      await expect(modelEntityV1alpha1Validator.check(entity)).resolves.toBe(
        true,
      );
      expect(entity.spec).toEqual({
        owner: 'group:default/data-science',
        lifecycle: 'production',
        framework: 'sklearn',
        task: 'regression',
      });
      expect(entity.metadata.description).toBe('Predicts plot yield.');
      expect(await readFile(join(repo, 'requirements.txt'), 'utf8')).toContain(
        'scikit-learn',
      );
    });
  });

  describe('"Register a dataset"', () => {
    let base: string;
    beforeEach(async () => {
      base = await mkdtemp(join(tmpdir(), 'register-dataset-'));
    });
    afterEach(() => rm(base, { recursive: true, force: true }));

    /** A dry run of the template: the real fetch:template, kaml-d:dataset:register asked to check only. */
    async function dryRun(parameters: JsonObject) {
      const workspacePath = join(base, 'workspace');
      const register = createDatasetRegisterAction({
        discovery: mockServices.discovery(),
        auth: mockServices.auth(),
        catalog: catalogServiceMock(),
        permissions: mockServices.permissions(),
      });
      const run = await runTemplate(load('register-dataset.yaml'), parameters, {
        workspacePath,
        dryRun: true,
        extra: [register],
        runners: {
          'fetch:template': fetchTemplateRunner(
            'register-dataset.yaml',
            workspacePath,
            base,
          ),
        },
      });
      return { ...run, workspacePath };
    }

    const common = {
      name: 'customer-reviews',
      description: 'Product reviews with a star rating',
      owner: 'group:default/data-engineering',
      tags: ['reviews'],
      lifecycle: 'experimental',
    };

    it('writes pasted rows into the workspace and hands them to the upload (dry run)', async () => {
      const content =
        'id,stars,text\n1,5,"great, thanks"\n2,1,${{ not a template }}';
      const { output, workspacePath } = await dryRun({
        ...common,
        source: 'paste',
        fileName: 'reviews.csv',
        content,
      });
      expect(
        await readFile(join(workspacePath, 'upload', 'reviews.csv'), 'utf8'),
      ).toBe(`${content}\n`);
      expect(output).toEqual({
        links: [
          {
            title: 'Open the dataset',
            icon: 'catalog',
            entityRef: 'dataset:default/customer-reviews',
          },
          {
            title: 'Train a model on it',
            icon: 'dashboard',
            url: '/create/templates/default/train-model',
          },
        ],
        text: [
          {
            title: 'Storage',
            content: '1 file(s) at `s3://<upload bucket>/customer-reviews/`.\n',
          },
        ],
      });
    });

    it('hands a storage folder to the register step, writing nothing (dry run)', async () => {
      const { output, workspacePath } = await dryRun({
        ...common,
        source: 'location',
        location: 's3://kaml-datasets/customer-reviews/',
        format: 'csv',
      });
      expect(fs.existsSync(join(workspacePath, 'upload'))).toBe(false);
      expect((output.text as JsonObject[])[0].content).toBe(
        '0 file(s) at `s3://kaml-datasets/customer-reviews/`.\n',
      );
    });
  });
});
