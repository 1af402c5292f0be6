import { CompoundEntityRef, Entity } from '@backstage/catalog-model';
import { resolveModelNamespaces } from './projectNamespaces';

const shared = {
  trainingNamespace: 'kaml-d-training',
  modelsNamespace: 'kaml-d-models',
};
const system = (
  name: string,
  namespace: string,
  annotation?: string,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: {
    name,
    namespace,
    annotations: annotation ? { 'kaml-d.io/namespace': annotation } : {},
  },
});
const model = (spec: Record<string, string>): Entity => ({
  apiVersion: 'kaml-d.io/v1alpha1',
  kind: 'Model',
  metadata: { name: 'churn', namespace: 'team' },
  spec,
});
const catalog = [
  system('fraud', 'team', 'team-fraud'),
  system('plain', 'team'),
  system('bad', 'team', 'Bad_Namespace'),
];
const asked: string[] = [];
const getSystem = async (ref: CompoundEntityRef) => {
  asked.push(`${ref.kind}:${ref.namespace}/${ref.name}`);
  return catalog.find(
    e => e.metadata.name === ref.name && e.metadata.namespace === ref.namespace,
  );
};

describe('resolveModelNamespaces', () => {
  beforeEach(() => asked.splice(0));

  it("uses the project's namespace for training and serving", async () => {
    expect(
      await resolveModelNamespaces(
        model({ system: 'fraud' }),
        shared,
        getSystem,
      ),
    ).toEqual({
      training: 'team-fraud',
      models: 'team-fraud',
      project: 'system:team/fraud',
    });
    // a bare system name is looked up in the model's own catalog namespace
    expect(asked).toEqual(['system:team/fraud']);
  });

  it('keeps the shared namespaces without a project, without an annotation, or when the System is missing', async () => {
    const expected = { training: 'kaml-d-training', models: 'kaml-d-models' };
    expect(await resolveModelNamespaces(model({}), shared, getSystem)).toEqual(
      expected,
    );
    expect(
      await resolveModelNamespaces(
        model({ system: 'plain' }),
        shared,
        getSystem,
      ),
    ).toEqual(expected);
    expect(
      await resolveModelNamespaces(
        model({ system: 'system:other/gone' }),
        shared,
        getSystem,
      ),
    ).toEqual(expected);
    expect(await resolveModelNamespaces(undefined, shared, getSystem)).toEqual(
      expected,
    );
  });

  it('refuses an annotation that is not a namespace name, naming the System', async () => {
    await expect(
      resolveModelNamespaces(model({ system: 'bad' }), shared, getSystem),
    ).rejects.toThrow(
      `project system:team/bad sets kaml-d.io/namespace "Bad_Namespace", which is not a namespace name`,
    );
  });
});
