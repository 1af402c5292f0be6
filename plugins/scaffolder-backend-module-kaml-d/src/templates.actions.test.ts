// Every template in catalog/templates, checked against the actions the portal really has: a
// valid scaffolder.backstage.io/v1beta3 Template, listed in catalog/all.yaml, every step's action
// registered (this module's, started in a test backend, or a built-in the templates use), every
// literal input accepted by the action's schema (template expressions are left to the render
// tests), every `parameters.x` declared and every `steps.x.output.y` an output of an earlier step.
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import yaml from 'yaml';
import { Validator, Schema } from 'jsonschema';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  createCatalogRegisterAction,
  createCatalogWriteAction,
  createDebugLogAction,
  createFetchPlainAction,
  createFetchTemplateAction,
} from '@backstage/plugin-scaffolder-backend';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import {
  scaffolderActionsExtensionPoint,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { JsonObject, JsonValue } from '@backstage/types';
import { scaffolderModuleKamlD } from './module';

const catalogDir = resolvePackagePath(
  '@kaml-d/plugin-scaffolder-backend-module-kaml-d',
  '../../catalog',
);
const templatesDir = resolve(catalogDir, 'templates');
const templateFiles = readdirSync(templatesDir)
  .filter(f => f.endsWith('.yaml'))
  .sort();

type Step = { id: string; action: string; if?: unknown; input?: JsonObject };
type Template = {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: {
    parameters: unknown[];
    steps: Step[];
    output?: JsonObject;
  };
};

/** The template file as the catalog reads it (what the kind validator checks). */
const loadEntity = (file: string): Entity =>
  yaml.parse(readFileSync(resolve(templatesDir, file), 'utf8'));
const load = (file: string): Template =>
  yaml.parse(readFileSync(resolve(templatesDir, file), 'utf8'));

const EXPRESSION = '${{';
const isExpression = (v: unknown) =>
  typeof v === 'string' && v.includes(EXPRESSION);

/** Paths (as joined keys) of every template-expression value in `value`. */
function expressionPaths(value: unknown, path: string[] = []): string[][] {
  if (isExpression(value)) return [path];
  if (Array.isArray(value)) {
    return value.flatMap((v, i) => expressionPaths(v, [...path, String(i)]));
  }
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) =>
      expressionPaths(v, [...path, k]),
    );
  }
  return [];
}

/**
 * Schema errors of the literal part of `input`: errors at or under a template expression are
 * the render tests' business; a missing required input is an error here. Unions are satisfied
 * when one branch is.
 */
function literalErrors(input: JsonObject, schema: Schema): string[] {
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches) {
    const results = branches.map(b => literalErrors(input, b));
    return results.some(r => r.length === 0) ? [] : results.flat();
  }
  const expressions = expressionPaths(input).map(p => p.join('/'));
  const result = new Validator().validate(input, schema);
  return result.errors
    .filter(e => {
      const at = e.path.map(String).join('/');
      return !expressions.some(x => at === x || at.startsWith(`${x}/`));
    })
    .map(e => e.stack);
}

/** Parameter names a form page declares: its properties and those of its dependencies' branches. */
function declaredProperties(page: unknown): string[] {
  if (!page || typeof page !== 'object') return [];
  const p = page as {
    properties?: Record<string, unknown>;
    dependencies?: Record<string, unknown>;
    oneOf?: unknown[];
    anyOf?: unknown[];
    allOf?: unknown[];
  };
  return [
    ...Object.keys(p.properties ?? {}),
    ...Object.values(p.dependencies ?? {}).flatMap(declaredProperties),
    ...[...(p.oneOf ?? []), ...(p.anyOf ?? []), ...(p.allOf ?? [])].flatMap(
      declaredProperties,
    ),
  ];
}

/** `steps.<id>.output.<name>` references in a value. */
function stepOutputRefs(value: unknown): Array<[string, string]> {
  const text = JSON.stringify(value ?? null);
  return [
    ...text.matchAll(/steps\.([A-Za-z0-9_-]+)\.output\.([A-Za-z0-9_]+)/g),
  ].map(m => [m[1], m[2]]);
}

/** `parameters.<name>` references in a value. */
function parameterRefs(value: unknown): string[] {
  const text = JSON.stringify(value ?? null);
  return [...text.matchAll(/parameters\.([A-Za-z0-9_]+)/g)].map(m => m[1]);
}

describe('every template in catalog/templates', () => {
  let actions: Map<string, TemplateAction<any, any, any>>;

  beforeAll(async () => {
    // the actions this project registers: the module started as the backend starts it
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
        mockServices.rootConfig.factory({ data: {} }),
        catalogServiceMock.factory(),
      ],
    });
    // and the scaffolder's built-ins the templates may use
    const integrations = ScmIntegrations.fromConfig(new ConfigReader({}));
    const reader = mockServices.urlReader.mock();
    const catalog = catalogServiceMock();
    const builtins: TemplateAction<any, any, any>[] = [
      createFetchTemplateAction({ reader, integrations }),
      createFetchPlainAction({ reader, integrations }),
      createCatalogRegisterAction({ catalog, integrations }),
      createCatalogWriteAction(),
      createDebugLogAction(),
    ];
    actions = new Map([...added, ...builtins].map(a => [a.id, a]));
  });

  it('finds the golden-path templates', () => {
    expect(templateFiles).toEqual(
      expect.arrayContaining([
        'deploy-model.yaml',
        'new-model-project.yaml',
        'train-model.yaml',
      ]),
    );
  });

  it.each(templateFiles)('%s is listed in catalog/all.yaml', file => {
    const all = yaml.parse(
      readFileSync(resolve(catalogDir, 'all.yaml'), 'utf8'),
    );
    expect(all.spec.targets).toContain(`./templates/${file}`);
  });

  it.each(templateFiles)('%s is a valid v1beta3 Template', async file => {
    const entity = loadEntity(file);
    expect(entity.apiVersion).toBe('scaffolder.backstage.io/v1beta3');
    await expect(templateEntityV1beta3Validator.check(entity)).resolves.toBe(
      true,
    );
    const ids = load(file).spec.steps.map(s => s.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(templateFiles)(
    "%s: every step's action is registered and its literal inputs pass the action's schema",
    file => {
      const problems: string[] = [];
      for (const step of load(file).spec.steps) {
        const action = actions.get(step.action);
        if (!action) {
          problems.push(`step ${step.id}: no action ${step.action}`);
          continue;
        }
        const schema = action.schema?.input as Schema | undefined;
        if (!schema) continue;
        for (const error of literalErrors(step.input ?? {}, schema)) {
          problems.push(`step ${step.id} (${step.action}): ${error}`);
        }
      }
      expect(problems).toEqual([]);
    },
  );

  it.each(templateFiles)(
    '%s: parameters and step outputs referred to exist',
    file => {
      const template = load(file);
      const declared = new Set(
        template.spec.parameters.flatMap(p => declaredProperties(p)),
      );
      const problems: string[] = [];
      const outputsOf = (id: string): string[] | undefined => {
        const step = template.spec.steps.find(s => s.id === id);
        const schema = step && actions.get(step.action)?.schema?.output;
        return schema
          ? Object.keys(
              (schema as { properties?: JsonObject }).properties ?? {},
            )
          : undefined;
      };
      const check = (
        where: string,
        value: JsonValue | unknown,
        before: string[],
      ) => {
        for (const name of parameterRefs(value)) {
          if (!declared.has(name)) {
            problems.push(`${where}: parameters.${name} is not a parameter`);
          }
        }
        for (const [id, output] of stepOutputRefs(value)) {
          if (!before.includes(id)) {
            problems.push(`${where}: steps.${id} is not an earlier step`);
            continue;
          }
          const outputs = outputsOf(id);
          // built-ins such as catalog:register declare no output schema
          if (outputs && !outputs.includes(output)) {
            problems.push(
              `${where}: steps.${id}.output.${output} is not an output (${outputs.join(
                ', ',
              )})`,
            );
          }
        }
      };
      const seen: string[] = [];
      for (const step of template.spec.steps) {
        check(`step ${step.id}`, { if: step.if, input: step.input }, seen);
        seen.push(step.id);
      }
      check('output', template.spec.output, seen);
      expect(problems).toEqual([]);
    },
  );

  it('the literal check finds what it should', () => {
    const schema = actions.get('kaml-d:training:launch')!.schema!
      .input as Schema;
    expect(
      literalErrors(
        { model: '${{ parameters.model }}', image: 'x', gpus: 'two' },
        schema,
      ),
    ).toEqual([
      expect.stringContaining('instance.gpus is not of a type(s) integer'),
    ]);
    expect(literalErrors({ image: 'x' }, schema)).toEqual([
      expect.stringContaining('requires property "model"'),
    ]);
    const register = actions.get('catalog:register')!.schema!.input as Schema;
    expect(
      literalErrors({ catalogInfoUrl: '${{ steps.p.output.u }}' }, register),
    ).toEqual([]);
    expect(literalErrors({ catalogInfoUrl: 3 }, register)).not.toEqual([]);
  });
});
