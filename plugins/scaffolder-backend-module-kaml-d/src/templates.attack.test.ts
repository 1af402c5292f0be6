// Hostile form values against every template of catalog/templates, layer 1: the form. The
// scaffolder validates a task's values with the template's own parameter schemas (jsonschema, as
// its router does) before anything runs, and those reject a hostile value in every identifier
// field. Layer 2, the rendering with the form bypassed, is templates.render.attack.test.ts.
import {
  KubernetesValidatorFunctions,
  parseEntityRef,
} from '@backstage/catalog-model';
import {
  FREE_TEXT,
  formErrors,
  hostileCases,
  LINE_BREAKING,
  templateFiles,
  textFields,
  VALID,
  VALID_LOCATION,
} from './__testUtils__/attackValues';
import { loadTemplate } from './__testUtils__/templates';

describe('the forms of catalog/templates', () => {
  it.each(templateFiles)('%s accepts its valid example values', file => {
    expect(formErrors(loadTemplate(file), VALID[file])).toEqual([]);
  });

  it('register-dataset.yaml accepts a storage folder too', () => {
    expect(
      formErrors(loadTemplate('register-dataset.yaml'), VALID_LOCATION),
    ).toEqual([]);
  });

  it.each(templateFiles)(
    'attack: %s refuses every hostile value in every identifier field, and line breaks in one-line text',
    file => {
      const template = loadTemplate(file);
      const accepted: string[] = [];
      for (const [field, isList] of textFields(template)) {
        const base =
          field === 'location' || field === 'format'
            ? VALID_LOCATION
            : VALID[file];
        for (const [what, hostile] of hostileCases) {
          const value = isList ? [hostile] : hostile;
          if (formErrors(template, { ...base, [field]: value }).length === 0) {
            accepted.push(`${field} <- ${what}`);
          }
        }
      }
      // what the form lets through is exactly the free text described above
      const expected = Object.entries(FREE_TEXT[file] ?? {}).flatMap(
        ([field, kind]) =>
          hostileCases
            .filter(([what]) => kind === 'any' || !LINE_BREAKING.includes(what))
            .map(([what]) => `${field} <- ${what}`),
      );
      expect(accepted.sort()).toEqual(expected.sort());
    },
  );

  it.each<[string, string, string[], string[]]>([
    [
      'new-model-project.yaml',
      'owner',
      [
        'group:default/data-science',
        'user:default/jane.doe',
        'data-science',
        'default/data_science',
      ],
      [
        'component:default/x',
        'group:Default/x',
        'group:default/-x',
        'group:default/x/y',
        `group:default/${'x'.repeat(64)}`,
        '',
      ],
    ],
    [
      'new-model-project.yaml',
      'system',
      ['system:default/retention', 'retention', 'team-a/retention'],
      ['group:default/retention', 'system:default/retention?x=1', 'a b'],
    ],
    [
      'train-model.yaml',
      'model',
      ['model:default/churn-classifier', 'churn-classifier'],
      ['dataset:default/x', 'model:default/../x', 'model:default/x#y'],
    ],
    [
      'train-model.yaml',
      'dataset',
      ['dataset:default/customer-churn', 'dataset:team-a/Clicks.2024'],
      ['model:default/x', 'dataset:default/x y'],
    ],
  ])(
    'attack: %s: %s takes the entity references the pickers produce and nothing else',
    (file, field, good, bad) => {
      const template = loadTemplate(file);
      for (const ref of good) {
        expect([
          ref,
          formErrors(template, { ...VALID[file], [field]: ref }),
        ]).toEqual([ref, []]);
        const { name, namespace } = parseEntityRef(ref, {
          defaultKind: 'x',
          defaultNamespace: 'default',
        });
        expect(KubernetesValidatorFunctions.isValidObjectName(name)).toBe(true);
        expect(KubernetesValidatorFunctions.isValidNamespace(namespace)).toBe(
          true,
        );
      }
      for (const ref of bad) {
        expect([
          ref,
          formErrors(template, { ...VALID[file], [field]: ref }).length,
        ]).not.toEqual([ref, 0]);
      }
    },
  );
});
