import fs from 'node:fs';
import { cp, lstat, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import git from 'isomorphic-git';
import yaml from 'yaml';
import { ConflictError, InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { withDefaults } from './input';
import { isPathInside } from './paths';
import { examples } from './publishLocal.examples';

/** Project folder names: a path segment anyone can type, never `..` or a hidden folder. */
const PROJECT_NAME = /^[a-z0-9]([-a-z0-9_.]{0,61}[a-z0-9])?$/;
const BRANCH = /^[A-Za-z0-9]([-A-Za-z0-9_./]{0,98}[A-Za-z0-9])?$/;
/** The commit trailer that ties a published repository to the scaffolder task that made it. */
export const TASK_TRAILER = 'Scaffolder-Task';

const DEFAULTS = {
  sourcePath: '.',
  catalogInfoPath: 'catalog-info.yaml',
  defaultBranch: 'main',
  commitMessage: 'Initial commit',
};

/** A path relative to `base` from user input, refused when it climbs out of `base`. */
function within(base: string, path: string, what: string): string {
  const full = resolve(base, path);
  if (!isPathInside(base, full)) {
    throw new InputError(
      `${what} "${path}" points outside the workspace: use a path inside it`,
    );
  }
  return full;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

/** The task id in the trailer of the repository's HEAD commit, if it has one. */
async function publishingTask(dir: string): Promise<string | undefined> {
  try {
    const [head] = await git.log({ fs, dir, depth: 1 });
    const line = head?.commit.message
      .split('\n')
      .find(l => l.startsWith(`${TASK_TRAILER}: `));
    return line?.slice(TASK_TRAILER.length + 2).trim();
  } catch {
    return undefined;
  }
}

/**
 * `kaml-d:publish:local` — publishes the workspace as a new Git repository in a folder of the
 * portal's host (`kamlD.localProjects.root`), for installs without a reachable Git host.
 * @public
 */
export function createPublishLocalAction(options: { root: string }) {
  const root = resolve(options.root);
  return createTemplateAction({
    id: 'kaml-d:publish:local',
    description:
      'Publishes the workspace as a new local Git repository (one commit) in the configured projects folder, and returns where its catalog-info file is so catalog:register can register it. Refuses to overwrite an existing project.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z =>
          z.string({
            description:
              'Folder name of the project under the projects root: lower-case letters, digits, "-", "_" and ".", starting and ending with a letter or digit, at most 63',
          }),
        sourcePath: z =>
          z
            .string({
              description:
                'Folder of the workspace to publish, relative to the workspace (default ".", all of it)',
            })
            .optional(),
        catalogInfoPath: z =>
          z
            .string({
              description:
                'Path of the catalog descriptor inside the published folder; it must exist and be YAML (default catalog-info.yaml)',
            })
            .optional(),
        defaultBranch: z =>
          z
            .string({
              description: 'Name of the initial branch (default main)',
            })
            .optional(),
        commitMessage: z =>
          z
            .string({
              description:
                'Message of the initial commit (default "Initial commit"); the task id is added as a trailer',
            })
            .optional(),
        gitAuthorName: z =>
          z
            .string({
              description:
                "Commit author name (default: the task user's display name, else their entity name)",
            })
            .optional(),
        gitAuthorEmail: z =>
          z
            .string({
              description:
                "Commit author e-mail (default: the task user's e-mail, else <name>@users.noreply.local)",
            })
            .optional(),
      },
      output: {
        repoPath: z =>
          z.string({
            description:
              'Absolute path of the new repository on the portal host',
          }),
        remoteUrl: z =>
          z.string({
            description: 'file:// URL of the repository, to git clone it',
          }),
        catalogInfoUrl: z =>
          z.string({
            description:
              'file:// URL of the catalog descriptor, for catalog:register (catalogInfoUrl)',
          }),
        commitHash: z => z.string({ description: 'Id of the initial commit' }),
      },
    },
    async handler(ctx) {
      const input = withDefaults(ctx.input, DEFAULTS);
      if (!PROJECT_NAME.test(input.name)) {
        throw new InputError(
          `name "${input.name}" cannot be a project folder: use at most 63 lower-case letters, digits, "-", "_" and ".", starting and ending with a letter or digit`,
        );
      }
      if (
        !BRANCH.test(input.defaultBranch) ||
        input.defaultBranch.includes('..')
      ) {
        throw new InputError(
          `defaultBranch "${input.defaultBranch}" is not a usable branch name`,
        );
      }
      if (!input.commitMessage.trim()) {
        throw new InputError('commitMessage is empty: say what the commit is');
      }
      const source = within(ctx.workspacePath, input.sourcePath, 'sourcePath');
      const catalogInfo = within(
        source,
        input.catalogInfoPath,
        'catalogInfoPath',
      );
      const catalogInfoRel = relative(source, catalogInfo);
      if (!catalogInfoRel) {
        throw new InputError(
          'catalogInfoPath must name a file, not the folder',
        );
      }
      // the descriptor must be there and parse, so the register step cannot fail on it later
      let text: string;
      try {
        text = await readFile(catalogInfo, 'utf8');
      } catch {
        throw new InputError(
          `${input.catalogInfoPath} is not in the workspace folder ${input.sourcePath}: add it (a fetch:template step) or set catalogInfoPath`,
        );
      }
      const docs = yaml.parseAllDocuments(text);
      const broken = docs.find(d => d.errors.length > 0);
      if (broken) {
        throw new InputError(
          `${input.catalogInfoPath} is not valid YAML: ${broken.errors[0].message}`,
        );
      }
      if (
        !docs.some(d => {
          const value = d.toJSON();
          return value && typeof value.kind === 'string';
        })
      ) {
        throw new InputError(
          `${input.catalogInfoPath} holds no catalog entity (no document with a kind)`,
        );
      }

      const repoPath = join(root, input.name);
      if (!isPathInside(root, repoPath) || repoPath === root) {
        throw new InputError(`name "${input.name}" is not a folder name`);
      }
      const catalogInfoUrl = pathToFileURL(
        join(repoPath, ...catalogInfoRel.split(sep)),
      ).toString();
      const remoteUrl = pathToFileURL(repoPath).toString();
      const taskId = ctx.task.id;

      const profile = ctx.user?.entity?.spec?.profile;
      const userName = ctx.user?.ref?.replace(/^.*[:/]/, '') ?? 'scaffolder';
      const author = {
        name: input.gitAuthorName ?? profile?.displayName ?? userName,
        email:
          input.gitAuthorEmail ??
          profile?.email ??
          `${userName}@users.noreply.local`,
      };

      const report = (commitHash: string) => {
        ctx.output('repoPath', repoPath);
        ctx.output('remoteUrl', remoteUrl);
        ctx.output('catalogInfoUrl', catalogInfoUrl);
        ctx.output('commitHash', commitHash);
      };

      const taken = await exists(repoPath);
      if (taken && (await publishingTask(repoPath)) !== taskId) {
        throw new ConflictError(
          `A project named "${input.name}" already exists (${repoPath}); choose another name`,
        );
      }
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would publish ${input.sourcePath} as a Git repository at ${repoPath} (branch ${input.defaultBranch}) with ${catalogInfoUrl}`,
        );
        report('dry-run');
        return;
      }

      const commitHash = await ctx.checkpoint({
        key: `kaml-d.publish.local.${input.name}`,
        fn: async () => {
          // a retry after a crash between the rename and the checkpoint: this task's repository
          if (taken) {
            const [head] = await git.log({ fs, dir: repoPath, depth: 1 });
            return head.oid;
          }
          // built beside the target and renamed into place, so a failure leaves no half project
          await mkdir(root, { recursive: true });
          const staging = join(root, `.${input.name}.${process.pid}.tmp`);
          await rm(staging, { recursive: true, force: true });
          try {
            await cp(source, staging, {
              recursive: true,
              filter: from => relative(source, from).split(sep)[0] !== '.git',
            });
            await git.init({
              fs,
              dir: staging,
              defaultBranch: input.defaultBranch,
            });
            await git.add({ fs, dir: staging, filepath: '.' });
            const oid = await git.commit({
              fs,
              dir: staging,
              message: `${input.commitMessage.trim()}\n\n${TASK_TRAILER}: ${taskId}\n`,
              author,
            });
            if (await exists(repoPath)) {
              throw new ConflictError(
                `A project named "${input.name}" was created meanwhile (${repoPath}); choose another name`,
              );
            }
            await rename(staging, repoPath);
            return oid;
          } finally {
            await rm(staging, { recursive: true, force: true });
          }
        },
      });
      ctx.logger.info(
        `Published ${
          input.sourcePath
        } as ${repoPath} (commit ${commitHash.slice(0, 7)}, branch ${
          input.defaultBranch
        })`,
      );
      report(commitHash);
    },
  });
}
