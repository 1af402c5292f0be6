// Checks that docs/configuration.md documents every configuration key the plugins declare:
//   node scripts/release/check-config-docs.mts           check (exit 1, one line per problem)
//   node scripts/release/check-config-docs.mts --list    print every declared key with its type
// Keys are the leaves of the `Config` interface in each plugins/*/config.d.ts, read with the
// TypeScript compiler API: `a.b` for nested objects, `a[].b` for arrays of objects, `a.<name>`
// for maps (index signatures). A key whose type also allows an object (`x?: string | { y }`)
// yields `x` and `x.y`; an imported type (a schedule) is a leaf. The check fails when a key
// - has no row in the reference table of its package (a `### ` section under `## Reference`
//   whose heading names the package), or a row names a key no config.d.ts declares;
// - is absent from the full example (the yaml block after `<!-- config-docs:full-example -->`,
//   every YAML document of it), or that example sets a KAML-D key no config.d.ts declares;
// - and when the minimal example (after `<!-- config-docs:minimal-example -->`) is not the
//   README's `<!-- adopter:config -->` block, line for line.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';

const repo = resolve(import.meta.dirname, '..', '..');
const docPath = join(repo, 'docs', 'configuration.md');
const problems: string[] = [];

type Key = { path: string; type: string; pkg: string; file: string };

function propertyName(name: ts.PropertyName): string {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name)) return name.text;
  return name.getText();
}

/** The element type of `T[]` or `Array<T>`, if the node is an array type. */
function elementOf(node: ts.TypeNode): ts.TypeNode | undefined {
  if (ts.isArrayTypeNode(node)) return node.elementType;
  if (
    ts.isTypeReferenceNode(node) &&
    node.typeName.getText() === 'Array' &&
    node.typeArguments?.length === 1
  ) {
    return node.typeArguments[0];
  }
  return undefined;
}

function unwrap(node: ts.TypeNode): ts.TypeNode {
  return ts.isParenthesizedTypeNode(node) ? unwrap(node.type) : node;
}

function collect(
  node: ts.TypeNode,
  path: string,
  emit: (path: string, type: ts.TypeNode) => void,
): void {
  const type = unwrap(node);
  const element = elementOf(type);
  if (element && ts.isTypeLiteralNode(unwrap(element))) {
    collectMembers(unwrap(element) as ts.TypeLiteralNode, `${path}[]`, emit);
    return;
  }
  if (ts.isTypeLiteralNode(type)) {
    collectMembers(type, path, emit);
    return;
  }
  if (ts.isUnionTypeNode(type)) {
    const objects = type.types.map(unwrap).filter(ts.isTypeLiteralNode);
    if (objects.length > 0) {
      if (objects.length < type.types.length) emit(path, type);
      for (const object of objects) collectMembers(object, path, emit);
      return;
    }
  }
  emit(path, type);
}

function collectMembers(
  literal: ts.TypeLiteralNode,
  prefix: string,
  emit: (path: string, type: ts.TypeNode) => void,
): void {
  for (const member of literal.members) {
    const child = (name: string) => (prefix ? `${prefix}.${name}` : name);
    if (ts.isPropertySignature(member) && member.type) {
      collect(member.type, child(propertyName(member.name)), emit);
    } else if (ts.isIndexSignatureDeclaration(member)) {
      const parameter = member.parameters[0].name.getText();
      collect(member.type, child(`<${parameter}>`), emit);
    }
  }
}

function declaredKeys(): Key[] {
  const keys: Key[] = [];
  for (const dir of readdirSync(join(repo, 'plugins')).sort()) {
    const file = join('plugins', dir, 'config.d.ts');
    if (!existsSync(join(repo, file))) continue;
    const pkg = JSON.parse(
      readFileSync(join(repo, 'plugins', dir, 'package.json'), 'utf8'),
    ).name as string;
    const source = ts.createSourceFile(
      file,
      readFileSync(join(repo, file), 'utf8'),
      ts.ScriptTarget.Latest,
      true,
    );
    const config = source.statements.find(
      (s): s is ts.InterfaceDeclaration =>
        ts.isInterfaceDeclaration(s) && s.name.text === 'Config',
    );
    if (!config) {
      problems.push(`${file}: no Config interface`);
      continue;
    }
    const literal = ts.factory.createTypeLiteralNode(config.members);
    collectMembers(literal, '', (path, type) =>
      keys.push({
        path,
        type: type.getText(source).replace(/\s+/g, ' '),
        pkg,
        file,
      }),
    );
  }
  return keys;
}

// --- matching key paths -------------------------------------------------------------------

type Segment = { name: string; array: boolean };

function segments(path: string): Segment[] {
  return path.split('.').map(part => ({
    name: part.replace(/\[\]$/, ''),
    array: part.endsWith('[]'),
  }));
}

const sameName = (declared: string, actual: string) =>
  /^<.+>$/.test(declared) || declared === actual;

/** Whether the YAML value has the key path: any array element, any map entry will do. */
function present(value: unknown, path: Segment[]): boolean {
  if (path.length === 0) return true;
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const [first, ...rest] = path;
  return Object.entries(value).some(([name, child]) => {
    if (!sameName(first.name, name)) return false;
    if (!first.array) return present(child, rest);
    return Array.isArray(child) && child.some(item => present(item, rest));
  });
}

/** Key paths a YAML value sets, as `a.b`, `a[].b`; leaves and empty objects only. */
function yamlPaths(value: unknown, prefix: string, out: Set<string>): void {
  if (Array.isArray(value)) {
    const objects = value.filter(v => v && typeof v === 'object');
    if (objects.length === 0) out.add(prefix);
    for (const item of objects) yamlPaths(item, `${prefix}[]`, out);
  } else if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) out.add(prefix);
    for (const [name, child] of entries) {
      yamlPaths(child, prefix ? `${prefix}.${name}` : name, out);
    }
  } else {
    out.add(prefix);
  }
}

/**
 * Whether a path the example sets is a declared key, lies inside one (a schedule's fields) or
 * leads to one (an empty list or map). Compared by names: a typo is what this catches.
 */
function declaredAt(path: string, keys: Key[]): boolean {
  const actual = segments(path);
  return keys.some(key => {
    const declared = segments(key.path);
    const common = Math.min(declared.length, actual.length);
    return declared
      .slice(0, common)
      .every((segment, i) => sameName(segment.name, actual[i].name));
  });
}

/** Under `kamlD`, `catalog.providers.kamlD` or `search.collators.kamlDDataset`: KAML-D's own. */
const ownedByKamlD = (path: string) =>
  segments(path).some(segment => /^kamlD/.test(segment.name));

// --- reading the document -----------------------------------------------------------------

function blockAfter(text: string, marker: string, where: string): string {
  const at = text.indexOf(marker);
  const fence =
    at < 0 ? null : /```ya?ml\n([\s\S]*?)\n```/.exec(text.slice(at));
  if (!fence) {
    problems.push(`${where}: no yaml block after ${marker}`);
    return '';
  }
  return fence[1];
}

/** Table rows of the `### ` sections under `## Reference`: section heading → keys in column 1. */
function referenceRows(text: string): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let inReference = false;
  let heading = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('## ')) inReference = /^## Reference\b/.test(line);
    else if (inReference && line.startsWith('### ')) {
      heading = line;
      sections.set(heading, []);
    } else if (inReference && heading && line.startsWith('|')) {
      const cell = line.split('|')[1] ?? '';
      for (const match of cell.matchAll(/`([^`]+)`/g)) {
        sections.get(heading)!.push(match[1]);
      }
    }
  }
  return sections;
}

const keys = declaredKeys();

if (process.argv.includes('--list')) {
  for (const key of keys) console.log(`${key.pkg}\t${key.path}\t${key.type}`);
  process.exit(0);
}

const doc = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '';
if (!doc) problems.push(`docs/configuration.md is missing`);

// reference tables, one section per package
const sections = referenceRows(doc);
for (const pkg of new Set(keys.map(key => key.pkg))) {
  const heading = [...sections.keys()].find(h => h.includes(pkg));
  const rows = new Set(heading ? sections.get(heading) : []);
  if (!heading) problems.push(`reference: no "### " section naming ${pkg}`);
  for (const key of keys.filter(k => k.pkg === pkg)) {
    if (heading && !rows.has(key.path)) {
      problems.push(
        `reference: ${key.path} (${key.file}) has no row under ${pkg}`,
      );
    }
  }
}
for (const row of new Set([...sections.values()].flat())) {
  if (!keys.some(key => key.path === row)) {
    problems.push(`reference: row ${row} is not declared in any config.d.ts`);
  }
}

// the full example
const full = blockAfter(
  doc,
  '<!-- config-docs:full-example -->',
  'full example',
);
let documents: unknown[] = [];
try {
  const { parseAllDocuments } = await import('yaml');
  documents = parseAllDocuments(full).map(document => {
    for (const error of document.errors) {
      problems.push(`full example: ${error.message.split('\n')[0]}`);
    }
    return document.toJS();
  });
} catch (error) {
  if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
  console.warn(
    'warning: the yaml package is not installed; full example checked as text',
  );
}
for (const key of keys) {
  const wanted = segments(key.path);
  const found =
    documents.length > 0
      ? documents.some(document => present(document, wanted))
      : wanted.every(s => /^<.+>$/.test(s.name) || full.includes(`${s.name}:`));
  if (!found)
    problems.push(`full example: ${key.path} (${key.file}) is not set`);
}
const setInExample = new Set<string>();
for (const document of documents) yamlPaths(document, '', setInExample);
for (const path of setInExample) {
  if (ownedByKamlD(path) && !declaredAt(path, keys)) {
    problems.push(`full example: ${path} is not declared in any config.d.ts`);
  }
}

// the minimal example is README's adopter:config block
const readme = readFileSync(join(repo, 'README.md'), 'utf8');
const adopter = blockAfter(readme, '<!-- adopter:config -->', 'README.md');
const minimal = blockAfter(
  doc,
  '<!-- config-docs:minimal-example -->',
  'minimal example',
);
if (adopter && minimal && adopter !== minimal) {
  const a = adopter.split('\n');
  const m = minimal.split('\n');
  const line = a.findIndex((text, i) => text !== m[i]);
  problems.push(
    `minimal example differs from README's adopter:config block at its line ${
      (line < 0 ? a.length : line) + 1
    }`,
  );
}

if (problems.length > 0) {
  console.error(problems.map(problem => `error: ${problem}`).join('\n'));
  process.exit(1);
}
console.log(`ok: ${keys.length} keys documented`);
