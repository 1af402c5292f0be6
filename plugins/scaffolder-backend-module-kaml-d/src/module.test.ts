import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  scaffolderActionsExtensionPoint,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { scaffolderModuleKamlD } from './module';

describe('scaffolderModuleKamlD', () => {
  async function actionsWith(config: object) {
    const added: TemplateAction<any, any, any>[] = [];
    await startTestBackend({
      extensionPoints: [
        [
          scaffolderActionsExtensionPoint,
          {
            addActions: (...a: TemplateAction<any, any, any>[]) =>
              added.push(...a),
          },
        ],
      ],
      features: [
        scaffolderModuleKamlD,
        mockServices.rootConfig.factory({ data: config }),
        catalogServiceMock.factory(),
      ],
    });
    return added;
  }

  it('adds the eight actions, each with examples and dry-run support', async () => {
    const actions = await actionsWith({});
    expect(actions.map(a => a.id)).toEqual([
      'kaml-d:training:launch',
      'kaml-d:training:wait',
      'kaml-d:model:deploy',
      'kaml-d:model:wait-ready',
      'kaml-d:model:register-version',
      'kaml-d:dataset:snapshot',
      'kaml-d:dataset:register',
      'kaml-d:publish:local',
    ]);
    for (const action of actions) {
      expect(action.supportsDryRun).toBe(true);
      expect(action.examples?.length).toBeGreaterThan(0);
      const properties = (action.schema?.input?.properties ?? {}) as Record<
        string,
        { description?: string }
      >;
      for (const [name, property] of Object.entries(properties)) {
        expect([name, property.description]).toEqual([
          name,
          expect.any(String),
        ]);
      }
    }
  });

  it('fails at startup on a broken workload cluster option', async () => {
    await expect(
      actionsWith({
        kamlD: {
          workloadCluster: 'ml',
          clusters: { ml: { trainingNamespace: 'Not_Valid' } },
        },
        kubernetes: {
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [
                {
                  name: 'ml',
                  url: 'https://k8s.test',
                  authProvider: 'serviceAccount',
                  serviceAccountToken: 't',
                },
              ],
            },
          ],
        },
      }),
    ).rejects.toThrow(
      'kamlD.clusters.ml.trainingNamespace "Not_Valid" is not a valid namespace name',
    );
  });

  it('fails at startup on a broken deprecated kamlD.kubernetes block', async () => {
    await expect(
      actionsWith({
        kamlD: {
          kubernetes: {
            url: 'https://k8s.test',
            token: 't',
            trainingNamespace: 'Not_Valid',
          },
        },
      }),
    ).rejects.toThrow(
      'kamlD.kubernetes.trainingNamespace "Not_Valid" is not a valid namespace name',
    );
  });
});
