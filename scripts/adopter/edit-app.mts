// Applies the README's code steps to an app made by @backstage/create-app, as an adopter would
// by hand. Used by scripts/adopter/run.sh:
//   node edit-app.mts backend <packages/backend/src/index.ts> <lines to add>
//     removes the allow-all permission policy and adds the lines before `backend.start()`;
//   node edit-app.mts pin-line <app package.json> <this repository's package.json>
//     pins the app's @backstage/* packages to this repository's release line (its resolutions),
//     as create-app's yarn.lock seed would have done (see run.sh);
//   node edit-app.mts legacy-app <packages/app/src> <App.tsx block> <EntityPage.tsx block>
//     App.tsx block: import lines, then <Route …/> lines (added inside <FlatRoutes>);
//     EntityPage.tsx block: import lines, then declarations (added before `export const
//     entityPage`), then one line `// cases` followed by <EntitySwitch.Case …/> lines (added
//     first in entityPage's <EntitySwitch>).
// Fails with a message naming the anchor it did not find (the template changed).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function fail(message: string): never {
  console.error(`error: ${message}`);
  process.exit(1);
}

function insertBefore(
  source: string,
  anchor: string,
  text: string,
  file: string,
): string {
  const at = source.indexOf(anchor);
  if (at < 0) fail(`${file}: did not find "${anchor.trim()}"`);
  return source.slice(0, at) + text + source.slice(at);
}

function insertAfter(
  source: string,
  anchor: RegExp,
  text: string,
  file: string,
): string {
  const match = anchor.exec(source);
  if (!match) fail(`${file}: did not find ${anchor}`);
  const at = match.index + match[0].length;
  return source.slice(0, at) + text + source.slice(at);
}

function splitImports(block: string): { imports: string; rest: string } {
  const lines = block.split('\n');
  let end = 0;
  let inImport = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith('import ')) inImport = !/;\s*$/.test(line);
    else if (inImport) inImport = !/;\s*$/.test(line);
    else if (line.trim() !== '') break;
    end = i + 1;
  }
  return {
    imports: `${lines.slice(0, end).join('\n').trim()}\n`,
    rest: lines.slice(end).join('\n').trim(),
  };
}

const [mode, target, ...blocks] = process.argv.slice(2);
if (mode === 'backend') {
  let source = readFileSync(target, 'utf8');
  const allowAll =
    /backend\.add\(\s*import\(\s*'@backstage\/plugin-permission-backend-module-allow-all-policy'\s*\),?\s*\);\n?/;
  if (!allowAll.test(source))
    fail(`${target}: did not find the allow-all policy module`);
  source = source.replace(allowAll, '');
  source = insertBefore(
    source,
    'backend.start();',
    `${blocks[0].trim()}\n\n`,
    target,
  );
  writeFileSync(target, source);
} else if (mode === 'pin-line') {
  const app = JSON.parse(readFileSync(target, 'utf8'));
  const line = JSON.parse(readFileSync(blocks[0], 'utf8'))
    .resolutions as Record<string, string>;
  app.resolutions = {
    ...app.resolutions,
    ...Object.fromEntries(
      Object.entries(line).filter(([name]) => name.startsWith('@backstage/')),
    ),
  };
  writeFileSync(target, `${JSON.stringify(app, null, 2)}\n`);
} else if (mode === 'legacy-app') {
  const appFile = join(target, 'App.tsx');
  const app = splitImports(blocks[0]);
  let appSource = app.imports + readFileSync(appFile, 'utf8');
  appSource = insertBefore(
    appSource,
    '</FlatRoutes>',
    `${app.rest}\n`,
    appFile,
  );
  writeFileSync(appFile, appSource);

  const pageFile = join(target, 'components/catalog/EntityPage.tsx');
  const page = splitImports(blocks[1]);
  const [declarations, cases] = page.rest.split(/^\s*\/\/ cases\b.*$/m);
  if (cases === undefined)
    fail('the EntityPage.tsx block has no "// cases" line');
  let pageSource = page.imports + readFileSync(pageFile, 'utf8');
  pageSource = insertBefore(
    pageSource,
    'export const entityPage',
    `${declarations.trim()}\n\n`,
    pageFile,
  );
  pageSource = insertAfter(
    pageSource,
    /export const entityPage = \(\s*<EntitySwitch>/,
    `\n${cases.trim()}\n`,
    pageFile,
  );
  writeFileSync(pageFile, pageSource);
} else {
  fail(
    'usage: edit-app.mts backend <index.ts> <lines> | legacy-app <src> <app block> <entity page block>',
  );
}
