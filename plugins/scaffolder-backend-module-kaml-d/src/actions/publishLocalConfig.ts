import { isAbsolute, resolve } from 'node:path';
import { Config } from '@backstage/config';

/** Folder under the data directory where local project repositories go by default. */
export const DEFAULT_PROJECTS_FOLDER = 'projects';

/**
 * The root folder of local project repositories: `kamlD.localProjects.root`, else
 * `<KAML_DATA_DIR or ./data>/projects` (the data directory the other KAML-D stores default to).
 * A relative path is taken from the backend's working directory.
 */
export function readLocalProjectsRoot(
  config: Config,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): string {
  const configured = config.getOptionalString('kamlD.localProjects.root');
  if (configured !== undefined && !configured.trim()) {
    throw new Error(
      'kamlD.localProjects.root is empty: set it to a folder path or leave it out for the default',
    );
  }
  if (configured) {
    return isAbsolute(configured) ? configured : resolve(cwd, configured);
  }
  const dataDir = env.KAML_DATA_DIR
    ? resolve(cwd, env.KAML_DATA_DIR)
    : resolve(cwd, 'data');
  return resolve(dataDir, DEFAULT_PROJECTS_FOLDER);
}
