// Hostile form values against every template of catalog/templates, layer 2 (layer 1, the form,
// is templates.attack.test.ts): with the form bypassed, every value still reaches its action as
// one value and every written file keeps its structure: the catalog entry is one entity whose
// fields hold exactly what was given, the skeleton's files have the lines of a benign render,
// and no template expression inside a value is evaluated.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'yaml';
import { JsonObject, JsonValue } from '@backstage/types';
import {
  hostileCases,
  templateFiles,
  textFields,
  VALID,
} from './__testUtils__/attackValues';
import {
  fetchTemplateRunner,
  loadTemplate,
  runTemplate,
  StepRunner,
  templatesDir,
} from './__testUtils__/templates';

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
