import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolvePackagePath } from '@backstage/backend-plugin-api';

/**
 * A rig variable: from the environment when `rig.sh` exported it, otherwise from the env file
 * `rig.sh start` writes (`$KAML_RIG_STATE/rig.env`, by default `e2e/.rig/rig.env`).
 */
export function rigEnv(name: string): string {
  const fromEnv = process.env[name];
  if (fromEnv) return fromEnv;
  const state =
    process.env.KAML_RIG_STATE ??
    resolvePackagePath(
      '@kaml-d/plugin-scaffolder-backend-module-kaml-d',
      '../../e2e/.rig',
    );
  const file = resolve(state, 'rig.env');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(
      `${name} is not set and ${file} is missing: start the rig (e2e/rig/rig.sh start kube)`,
    );
  }
  for (const line of text.split('\n')) {
    const match = /^export ([A-Z0-9_]+)='(.*)'$/.exec(line.trim());
    if (match && match[1] === name) return match[2].replace(/'\\''/g, "'");
  }
  throw new Error(
    `${name} is not in ${file}: start the rig's kube service (e2e/rig/rig.sh start kube)`,
  );
}
