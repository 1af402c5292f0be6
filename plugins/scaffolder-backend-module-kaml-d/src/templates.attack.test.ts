// Hostile form values against every template of catalog/templates. Two layers, each tested on
// its own: (1) the form: the scaffolder validates a task's values with the template's own
// parameter schemas (jsonschema, as its router does) before anything runs, and those reject a
// hostile value in every identifier field; (2) the rendering: with the form bypassed, every value
// still reaches its action as one value and every written file keeps its structure: the catalog
// entry is one entity whose fields hold exactly what was given, the skeleton's files have the
// lines of a benign render, and no template expression inside a value is evaluated.
import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'yaml';
import { validate } from 'jsonschema';
import { JsonObject, JsonValue } from '@backstage/types';
import {
  KubernetesValidatorFunctions,
  parseEntityRef,
} from '@backstage/catalog-model';
import {
  fetchTemplateRunner,
  loadTemplate,
  runTemplate,
  StepRunner,
  Template,
  templatesDir,
} from './__testUtils__/templates';

const templateFiles = readdirSync(templatesDir)
  .filter(f => f.endsWith('.yaml'))
  .sort();

/** Values an insider types into a form to break out of the field it goes to. */
const HOSTILE: Record<string, string> = {
  'a newline and a second entity': [
    'group:default/ml',
    '---',
    'apiVersion: kaml-d.io/v1alpha1',
    'kind: Dataset',
    'metadata:',
    '  name: stolen',
    'spec:',
    '  owner: group:default/attacker',
    '  location: s3://kaml-datasets/finance-transactions/',
  ].join('\n'),
  'a document end marker': 'ml\n...\nkind: Dataset',
  quotes: `ml" x: 'y`,
  'a scaffolder expression': '${{ values.owner }}',
  'a nunjucks expression and tag': '{{ values.owner }}{% raw %}',
  'a comment': 'ml # owner: group:default/attacker',
  'a mapping': 'owner: group:default/attacker',
  'unicode line separators': 'ml\u2028owner: x\u2029y\u0085z',
  'a carriage return': 'ml\rowner: group:default/attacker',
  'flow syntax, tags and anchors': '[a, {b: c}] !!binary &x *x |',
  'quotes and braces without a space': `ml"'#{{x}}:y`,
};
const hostileCases = Object.entries(HOSTILE);
/** The hostile values that break a line (a single-line text field must refuse these). */
const LINE_BREAKING = hostileCases
  .filter(([, v]) => /[\r\n\u0085\u2028\u2029]/.test(v))
  .map(([k]) => k);

/** Form values each template accepts (the baseline a hostile value is put into). */
const VALID: Record<string, JsonObject> = {
  'deploy-model.yaml': {
    model: 'model:default/churn-classifier',
    image: 'ghcr.io/example/server:1.0',
    version: '1.0.0',
    replicas: 2,
    cpu: '1',
    memory: '2Gi',
    gpus: 0,
    canaryImage: 'ghcr.io/example/server:2.0',
    canaryPercent: 10,
  },
  'new-model-project.yaml': {
    name: 'churn-classifier',
    title: 'Churn classifier: v2',
    description: 'Predicts who leaves "soon" (#1 question).',
    owner: 'group:default/data-science',
    system: 'system:default/customer-retention',
    framework: 'pytorch',
    task: 'binary-classification',
    lifecycle: 'experimental',
    datasets: ['dataset:default/customer-churn', 'clickstream-events'],
  },
  'register-dataset.yaml': {
    name: 'customer-reviews',
    description: 'Product reviews\nwith a star rating',
    owner: 'data-engineering',
    system: 'default/customer-retention',
    tags: ['reviews'],
    lifecycle: 'experimental',
    source: 'paste',
    fileName: 'reviews.csv',
    content: 'id,stars\n1,5\n',
  },
  'train-model.yaml': {
    model: 'model:default/churn-classifier',
    dataset: 'dataset:default/customer-churn',
    credentialsSecret: 'minio-training',
    image: `registry.example.com:5000/team/trainer@sha256:${'a'.repeat(64)}`,
    command: ['python', 'src/train.py'],
    args: ['--epochs', '3'],
    gpus: 0,
    cpu: '2',
    memory: '8Gi',
    timeoutMinutes: 120,
    // the TrainJob branch, so that its runtime field is checked (the steps drop it for a Job)
    kind: 'TrainJob',
    runtime: 'torch-distributed',
    nodes: 2,
  },
};
/** register-dataset's other branch: a storage folder instead of pasted rows. */
const VALID_LOCATION: JsonObject = {
  ...VALID['register-dataset.yaml'],
  source: 'location',
  location: 's3://kaml-datasets/customer-reviews/',
  format: 'csv',
  fileName: undefined,
  content: undefined,
} as JsonObject;

/**
 * Fields that take free text by design. `any`: handed to an action as a value, never rendered
 * into text (so any character is data); `line`: rendered into a skeleton's text, one line.
 * Every other text field is an identifier and must refuse every hostile value.
 */
const FREE_TEXT: Record<string, Record<string, 'any' | 'line'>> = {
  'new-model-project.yaml': { title: 'line', description: 'line' },
  'register-dataset.yaml': { description: 'any', content: 'any' },
  'train-model.yaml': { command: 'any', args: 'any' },
};

/** The scaffolder's check of a task's values: every parameter page's schema (its router's rule). */
function formErrors(template: Template, values: JsonObject): string[] {
  const clean = JSON.parse(JSON.stringify(values));
  return template.spec.parameters.flatMap(page =>
    validate(clean, page as never).errors.map(e => e.stack),
  );
}

/** Text fields of a template's form: property name → whether it is a list of strings. */
function textFields(template: Template): Map<string, boolean> {
  const fields = new Map<string, boolean>();
  const walk = (schema: unknown) => {
    if (!schema || typeof schema !== 'object') return;
    const s = schema as {
      properties?: Record<string, { type?: string; items?: { type?: string } }>;
      dependencies?: Record<string, unknown>;
      oneOf?: unknown[];
    };
    for (const [name, p] of Object.entries(s.properties ?? {})) {
      if (p.type === 'string') fields.set(name, false);
      if (p.type === 'array' && p.items?.type === 'string') {
        fields.set(name, true);
      }
    }
    Object.values(s.dependencies ?? {}).forEach(walk);
    (s.oneOf ?? []).forEach(walk);
  };
  template.spec.parameters.forEach(walk);
  return fields;
}

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

/** `${{ parameters.x }}`, `${{ parameters.x or <default> }}`: the parameter handed over as a value. */
const SOLE_PARAMETER =
  /^\$\{\{\s*parameters\.(\w+)(?:\s+or\s+(?:undefined|''|\[\]|parameters\.\w+))?\s*\}\}$/;

/** One expression, no text around it and no string concatenation (`~`) in it. */
const SOLE_EXPRESSION = /^\$\{\{((?!\}\})[^~])*\}\}$/;

/** Every string leaf of `value` with its path. */
function leaves(
  value: unknown,
  path: string[] = [],
): Array<[string[], string]> {
  if (typeof value === 'string') return [[path, value]];
  if (Array.isArray(value)) {
    return value.flatMap((v, i) => leaves(v, [...path, String(i)]));
  }
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
  }
  return [];
}
const at = (value: unknown, path: string[]): unknown =>
  path.reduce<unknown>(
    (v, k) => (v as Record<string, unknown> | undefined)?.[k],
    value,
  );

/**
 * Step inputs where a parameter is rendered into text rather than handed over as a value,
 * and why that text is safe: it is parsed by nothing.
 */
const TEXT_INPUTS = [
  // a commit message is free text for people; the name in it matches the name pattern
  'new-model-project.yaml publish.commitMessage',
];

describe('hostile values rendered by catalog/templates', () => {
  it.each(templateFiles)(
    '%s hands every parameter to its action as a value, never as text to be parsed',
    file => {
      const found = loadTemplate(file).spec.steps.flatMap(step =>
        leaves(step.input)
          // one expression and nothing else renders to a value of any type
          .filter(([, v]) => /parameters\./.test(v) && !SOLE_EXPRESSION.test(v))
          .map(([path]) => `${file} ${step.id}.${path.join('.')}`),
      );
      expect(found).toEqual(TEXT_INPUTS.filter(t => t.startsWith(`${file} `)));
    },
  );

  /** Each parameter of `file` set to "<field> <hostile>" (lists: two such items). */
  function hostileValues(file: string, hostile: string): JsonObject {
    const template = loadTemplate(file);
    const values: JsonObject = { ...VALID[file] };
    for (const [field, isList] of textFields(template)) {
      if (field === 'fileName' || field === 'source') continue;
      values[field] = isList
        ? [`${field}-1 ${hostile}`, `${field}-2 ${hostile}`]
        : `${field} ${hostile}`;
    }
    return values;
  }

  /** Runs `file` with every action replaced by a recorder (fetch:template and catalog:write real). */
  async function render(file: string, parameters: JsonObject, base: string) {
    const workspacePath = join(base, 'workspace');
    const recorded: Record<string, JsonObject[]> = {};
    const record =
      (action: string): StepRunner =>
      async input => {
        (recorded[action] ??= []).push(input);
        return {};
      };
    const template = loadTemplate(file);
    const runners: Record<string, StepRunner> = {};
    for (const step of template.spec.steps) {
      if (step.action === 'catalog:write') continue;
      runners[step.action] =
        step.action === 'fetch:template'
          ? fetchTemplateRunner(file, workspacePath, base)
          : record(step.action);
    }
    const run = await runTemplate(template, parameters, {
      workspacePath,
      runners,
    });
    return { ...run, workspacePath, template };
  }

  let base: string;
  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'templates-attack-'));
  });
  afterEach(() => rm(base, { recursive: true, force: true }));

  describe.each(hostileCases)('with %s', (_what, hostile) => {
    it.each(templateFiles)(
      '%s hands each hostile value to its steps exactly as given',
      async file => {
        const parameters = hostileValues(file, hostile);
        const { inputs, template } = await render(file, parameters, base);
        const problems: string[] = [];
        for (const step of template.spec.steps) {
          if (!inputs[step.id]) continue;
          for (const [path, source] of leaves(step.input)) {
            const name = SOLE_PARAMETER.exec(source)?.[1];
            if (!name || parameters[name] === undefined) continue;
            const got = at(inputs[step.id], path) as JsonValue;
            if (JSON.stringify(got) !== JSON.stringify(parameters[name])) {
              problems.push(
                `${step.id}.${path.join('.')}: ${JSON.stringify(got)}`,
              );
            }
          }
        }
        expect(problems).toEqual([]);
      },
    );

    it('attack: "New ML model project" writes one Model entity holding each value exactly, and the skeleton keeps its lines', async () => {
      const file = 'new-model-project.yaml';
      const p = hostileValues(file, hostile) as Record<string, string> & {
        datasets: string[];
      };
      const { workspacePath } = await render(file, p, base);
      const text = await readFile(
        join(workspacePath, 'catalog-info.yaml'),
        'utf8',
      );
      const docs = yaml.parseAllDocuments(text);
      expect(docs.flatMap(d => d.errors.map(e => e.message))).toEqual([]);
      expect(docs).toHaveLength(1);
      const entity = docs[0].toJSON();
      expect(entity).toEqual({
        apiVersion: 'kaml-d.io/v1alpha1',
        kind: 'Model',
        metadata: {
          name: p.name,
          title: p.title,
          description: p.description,
          tags: [p.framework],
          annotations: {
            'backstage.io/kubernetes-id': p.name,
            'backstage.io/kubernetes-namespace': 'kaml-d-models',
          },
        },
        spec: {
          owner: p.owner,
          lifecycle: p.lifecycle,
          system: p.system,
          framework: p.framework,
          task: p.task,
          trainedOn: p.datasets,
        },
      });

      // the same skeleton rendered with benign values: a hostile value adds no line
      const benignBase = await mkdtemp(join(base, 'benign-'));
      const benign = await render(
        file,
        // a framework with no requirements of its own, as the hostile one has none
        { ...VALID[file], framework: 'other' },
        benignBase,
      );
      const lines = (t: string) => t.split(/\r\n|[\n\r\v\f\u0085\u2028\u2029]/);
      for (const name of ['README.md', 'requirements.txt', 'src/train.py']) {
        const hostileText = await readFile(join(workspacePath, name), 'utf8');
        const benignText = await readFile(
          join(benign.workspacePath, name),
          'utf8',
        );
        expect([name, lines(hostileText).length]).toEqual([
          name,
          lines(benignText).length,
        ]);
      }
      // an expression in a value is text, not evaluated against the template's values
      const readme = await readFile(join(workspacePath, 'README.md'), 'utf8');
      // (the README's rule: each value on one line, HTML escaped)
      const asText = (v: string) =>
        v
          .replace(/[\r\n\v\f\u0085\u2028\u2029]+/g, ' ')
          .replace(/&/g, '&amp;')
          .replace(/</g, '&lt;')
          .replace(/>/g, '&gt;')
          .replace(/"/g, '&quot;')
          .replace(/'/g, '&#39;');
      expect(readme.split('\n')[0]).toBe(
        `# ${asText(p.title)} (\`${asText(p.name)}\`)`,
      );
      expect(readme).toContain(`owned by \`${asText(p.owner)}\``);
      // the training script is code: copied as it is, no value in it
      expect(await readFile(join(workspacePath, 'src/train.py'), 'utf8')).toBe(
        await readFile(
          join(templatesDir, 'new-model-project/skeleton/src/train.py'),
          'utf8',
        ),
      );
    });

    it('"Register a dataset" writes pasted rows exactly as given', async () => {
      const file = 'register-dataset.yaml';
      const parameters = {
        ...hostileValues(file, hostile),
        content: `id,text\n1,${hostile}`,
      };
      const { workspacePath } = await render(file, parameters, base);
      expect(
        await readFile(join(workspacePath, 'upload', 'reviews.csv'), 'utf8'),
      ).toBe(`${parameters.content}\n`);
    });
  });
});
