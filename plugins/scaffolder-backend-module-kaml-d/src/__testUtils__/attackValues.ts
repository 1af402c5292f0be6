// What both layers of the template attack tests share: every template of catalog/templates,
// the hostile values an insider types, a valid example per template, and the form validation
// the scaffolder's router applies (jsonschema over the template's parameter schemas).
import { readdirSync } from 'node:fs';
import { validate } from 'jsonschema';
import { JsonObject } from '@backstage/types';
import { Template, templatesDir } from './templates';

export const templateFiles = readdirSync(templatesDir)
  .filter(f => f.endsWith('.yaml'))
  .sort();

/** Values an insider types into a form to break out of the field it goes to. */
export const HOSTILE: Record<string, string> = {
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
export const hostileCases = Object.entries(HOSTILE);
/** The hostile values that break a line (a single-line text field must refuse these). */
export const LINE_BREAKING = hostileCases
  .filter(([, v]) => /[\r\n\u0085\u2028\u2029]/.test(v))
  .map(([k]) => k);

/** Form values each template accepts (the baseline a hostile value is put into). */
export const VALID: Record<string, JsonObject> = {
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
    runtime: { name: 'torch-distributed', kind: 'ClusterTrainingRuntime' },
    nodes: 2,
  },
};
/** register-dataset's other branch: a storage folder instead of pasted rows. */
export const VALID_LOCATION: JsonObject = {
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
export const FREE_TEXT: Record<string, Record<string, 'any' | 'line'>> = {
  'new-model-project.yaml': { title: 'line', description: 'line' },
  'register-dataset.yaml': { description: 'any', content: 'any' },
  'train-model.yaml': { command: 'any', args: 'any' },
};

/** The scaffolder's check of a task's values: every parameter page's schema (its router's rule). */
export function formErrors(template: Template, values: JsonObject): string[] {
  const clean = JSON.parse(JSON.stringify(values));
  return template.spec.parameters.flatMap(page =>
    validate(clean, page as never).errors.map(e => e.stack),
  );
}

/** Text fields of a template's form: property name → whether it is a list of strings. */
export function textFields(template: Template): Map<string, boolean> {
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
