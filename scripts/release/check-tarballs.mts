// Checks the packed KAML-D tarballs the way an adopter's install would meet them:
//   node scripts/release/check-tarballs.mts <folder of .tgz>
// - main, module and types (and every "exports" target) name files inside the tarball;
// - no source file (src/*.ts) is shipped as an entry point;
// - every package the built JavaScript or the .d.ts files import is a dependency or a peer
//   dependency (a type import of an undeclared package breaks an adopter's type check);
// - no "workspace:" range is left, and no @backstage/* dependency is pinned exactly.
// Exits 1 with one line per problem.
import { execFileSync } from 'node:child_process';
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Manifest = {
  name: string;
  main?: string;
  module?: string;
  types?: string;
  exports?: unknown;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
};

const folder = process.argv[2];
if (!folder) {
  console.error(
    'usage: node scripts/release/check-tarballs.mts <folder of .tgz>',
  );
  process.exit(2);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap(entry => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function exportTargets(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') {
    return Object.values(value).flatMap(exportTargets);
  }
  return [];
}

/** The package a bare specifier names: `@scope/name/sub` → `@scope/name`. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/')) return undefined;
  if (specifier.startsWith('node:')) return undefined;
  if (!/^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(\/[\w./-]*)?$/i.test(specifier)) {
    return undefined;
  }
  const parts = specifier.split('/');
  const name = specifier.startsWith('@')
    ? parts.slice(0, 2).join('/')
    : parts[0];
  return builtinModules.includes(name) ? undefined : name;
}

const importPatterns = [
  /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\bfrom\s+['"]([^'"]+)['"]/g,
  /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  /^\s*import\s+['"]([^'"]+)['"]/gm,
];

function importedPackages(source: string): Set<string> {
  const found = new Set<string>();
  for (const pattern of importPatterns) {
    for (const match of source.matchAll(pattern)) {
      const name = packageOf(match[1]);
      if (name) found.add(name);
    }
  }
  return found;
}

const problems: string[] = [];
const tarballs = readdirSync(folder).filter(file => file.endsWith('.tgz'));
if (tarballs.length === 0) problems.push(`${folder}: no .tgz files`);

for (const tarball of tarballs) {
  const dir = mkdtempSync(join(tmpdir(), 'kaml-d-pack-'));
  try {
    execFileSync('tar', ['xzf', join(folder, tarball), '-C', dir]);
    const root = join(dir, 'package');
    const manifest = JSON.parse(
      readFileSync(join(root, 'package.json'), 'utf8'),
    ) as Manifest;
    const before = problems.length;
    const report = (problem: string) =>
      problems.push(`${manifest.name}: ${problem}`);
    const shipped = new Set(
      filesUnder(root).map(path => path.slice(root.length + 1)),
    );
    const entries = [
      manifest.main,
      manifest.module,
      manifest.types,
      ...exportTargets(manifest.exports),
    ].filter((entry): entry is string => Boolean(entry));
    if (!manifest.main) report('no "main" entry point');
    for (const entry of entries) {
      const path = entry.replace(/^\.\//, '');
      if (path.endsWith('package.json')) continue;
      if (path.startsWith('src/'))
        report(`entry point ${entry} is source, not build output`);
      if (!shipped.has(path))
        report(`entry point ${entry} is not in the tarball`);
    }
    const declared = new Set([
      manifest.name,
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ]);
    const undeclared = new Map<string, string>();
    for (const file of shipped) {
      if (!/\.(c?js|mjs|d\.ts)$/.test(file)) continue;
      for (const name of importedPackages(
        readFileSync(join(root, file), 'utf8'),
      )) {
        if (!declared.has(name) && !undeclared.has(name))
          undeclared.set(name, file);
      }
    }
    for (const [name, file] of undeclared) {
      report(
        `${file} imports ${name}, which is not a dependency or peer dependency`,
      );
    }
    for (const [name, range] of Object.entries({
      ...manifest.dependencies,
      ...manifest.peerDependencies,
    })) {
      if (range.startsWith('workspace:'))
        report(`${name} still has range ${range}`);
      if (name.startsWith('@backstage/') && /^\d/.test(range)) {
        report(
          `${name} is pinned to ${range}; use a caret range so apps dedupe it`,
        );
      }
    }
    if (problems.length > before) continue;
    console.log(
      `ok ${manifest.name} (${shipped.size} files, ${
        declared.size - 1
      } dependencies)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (problems.length > 0) {
  console.error(problems.map(problem => `error: ${problem}`).join('\n'));
  process.exit(1);
}
