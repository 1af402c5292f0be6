import fs from 'node:fs';
import {
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import git from 'isomorphic-git';
import yaml from 'yaml';
import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { runAction, TaskState } from '../__testUtils__/actionContext';
import { createPublishLocalAction, TASK_TRAILER } from './publishLocal';
import { examples } from './publishLocal.examples';
import { readLocalProjectsRoot } from './publishLocalConfig';
import { LocalProjectsUrlReader } from './publishLocalUrlReader';

const MODEL = `apiVersion: kaml-d.io/v1alpha1
kind: Model
metadata:
  name: churn-classifier
spec:
  owner: group:default/data-science
  lifecycle: experimental
  framework: sklearn
  task: binary-classification
`;

describe('kaml-d:publish:local', () => {
  let base: string;
  let root: string;
  let workspace: string;

  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'publish-local-'));
    root = join(base, 'projects');
    workspace = join(base, 'workspace');
    await mkdir(join(workspace, 'src'), { recursive: true });
    await writeFile(join(workspace, 'catalog-info.yaml'), MODEL);
    await writeFile(join(workspace, 'src', 'train.py'), 'print("train")\n');
    await writeFile(join(workspace, 'README.md'), '# churn-classifier\n');
  });
  afterEach(() => rm(base, { recursive: true, force: true }));

  const action = () => createPublishLocalAction({ root });
  const run = (
    input: JsonObject,
    options: { state?: TaskState; dryRun?: boolean; taskId?: string } = {},
  ) =>
    runAction(action(), input, {
      workspacePath: workspace,
      taskId: 'task-42',
      ...options,
    });

  it('publishes the workspace as a repository with one commit and points at its catalog-info', async () => {
    const { outputs } = await run({ name: 'churn-classifier' });
    const repo = join(root, 'churn-classifier');
    expect(outputs).toEqual({
      repoPath: repo,
      remoteUrl: pathToFileURL(repo).toString(),
      catalogInfoUrl: pathToFileURL(join(repo, 'catalog-info.yaml')).toString(),
      commitHash: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
    const log = await git.log({ fs, dir: repo });
    expect(log).toHaveLength(1);
    expect(log[0].oid).toBe(outputs.commitHash);
    expect(log[0].commit.message).toBe(
      `Initial commit\n\n${TASK_TRAILER}: task-42\n`,
    );
    expect(log[0].commit.author).toMatchObject({
      name: 'mock',
      email: 'mock@users.noreply.local',
    });
    expect(await git.currentBranch({ fs, dir: repo })).toBe('main');
    expect((await git.listFiles({ fs, dir: repo })).sort()).toEqual([
      'README.md',
      'catalog-info.yaml',
      'src/train.py',
    ]);
    // the working tree is clean: what was committed is what is on disk
    const matrix = await git.statusMatrix({ fs, dir: repo });
    expect(matrix.every(([, h, w, s]) => h === 1 && w === 1 && s === 1)).toBe(
      true,
    );
    // nothing else left in the root (no staging folder)
    expect(await readdir(root)).toEqual(['churn-classifier']);
  });

  it('refuses to overwrite an existing project, and writes nothing', async () => {
    await mkdir(join(root, 'taken'), { recursive: true });
    await writeFile(join(root, 'taken', 'keep.txt'), 'mine');
    await expect(run({ name: 'taken' })).rejects.toThrow(
      `A project named "taken" already exists (${join(
        root,
        'taken',
      )}); choose another name`,
    );
    expect(await readdir(join(root, 'taken'))).toEqual(['keep.txt']);
    // another task publishing under a name already published
    await run({ name: 'first' });
    await expect(run({ name: 'first' }, { taskId: 'task-43' })).rejects.toThrow(
      'already exists',
    );
  });

  it('a retried task reuses its repository: by checkpoint, or by the commit trailer after a crash', async () => {
    const state: TaskState = new Map();
    const first = await run({ name: 'retry-me' }, { state });
    const again = await run({ name: 'retry-me' }, { state });
    expect(again.outputs).toEqual(first.outputs);
    // crash after the rename, before the checkpoint was stored: a fresh state, same task
    const adopted = await run({ name: 'retry-me' }, { state: new Map() });
    expect(adopted.outputs.commitHash).toBe(first.outputs.commitHash);
    expect(await git.log({ fs, dir: join(root, 'retry-me') })).toHaveLength(1);
  });

  it.each<[string, JsonObject, string | RegExp]>([
    ['a name with a slash', { name: 'a/b' }, 'cannot be a project folder'],
    ['a hidden name', { name: '.git' }, 'cannot be a project folder'],
    ['a climbing name', { name: '..' }, 'cannot be a project folder'],
    ['upper case', { name: 'Churn' }, 'cannot be a project folder'],
    [
      'a source outside the workspace',
      { name: 'x', sourcePath: '../..' },
      'sourcePath "../.." points outside the workspace',
    ],
    [
      'a missing catalog-info',
      { name: 'x', catalogInfoPath: 'nope.yaml' },
      'nope.yaml is not in the workspace folder .',
    ],
    [
      'a bad branch',
      { name: 'x', defaultBranch: 'a..b' },
      'defaultBranch "a..b" is not a usable branch name',
    ],
    [
      'an empty message',
      { name: 'x', commitMessage: '  ' },
      'commitMessage is empty',
    ],
  ])(
    'rejects %s with a clear error and creates nothing',
    async (_n, input, message) => {
      await expect(run(input)).rejects.toThrow(message);
      expect(fs.existsSync(root)).toBe(false);
    },
  );

  it('rejects a catalog-info that is not YAML or holds no entity', async () => {
    await writeFile(join(workspace, 'catalog-info.yaml'), 'kind: [unclosed\n');
    await expect(run({ name: 'x' })).rejects.toThrow(
      'catalog-info.yaml is not valid YAML',
    );
    await writeFile(join(workspace, 'catalog-info.yaml'), 'just: data\n');
    await expect(run({ name: 'x' })).rejects.toThrow(
      'catalog-info.yaml holds no catalog entity',
    );
    expect(fs.existsSync(root)).toBe(false);
  });

  it('does nothing on a dry run but says where it would publish', async () => {
    const { outputs, lines } = await run({ name: 'dry' }, { dryRun: true });
    expect(outputs.repoPath).toBe(join(root, 'dry'));
    expect(outputs.commitHash).toBe('dry-run');
    expect(lines[0]).toMatch(/^Dry run: would publish \. as a Git repository/);
    expect(fs.existsSync(root)).toBe(false);
  });

  it.each(examples.map(e => [e.description, e.example] as const))(
    'example: %s',
    async (_description, example) => {
      const { steps } = yaml.parse(example) as {
        steps: Array<{ action: string; input: JsonObject }>;
      };
      const input = steps.find(s => s.action === 'kaml-d:publish:local')!.input;
      if (input.sourcePath) {
        await rm(join(workspace, String(input.sourcePath)), {
          recursive: true,
          force: true,
        });
        await mkdir(join(workspace, String(input.sourcePath)));
        await writeFile(
          join(
            workspace,
            String(input.sourcePath),
            String(input.catalogInfoPath ?? 'catalog-info.yaml'),
          ),
          MODEL,
        );
      }
      const { outputs } = await run(input);
      const repo = join(root, String(input.name));
      expect(outputs.repoPath).toBe(repo);
      const [head] = await git.log({ fs, dir: repo });
      expect(head.commit.author.email).toBe(
        input.gitAuthorEmail ?? 'mock@users.noreply.local',
      );
      expect(await git.currentBranch({ fs, dir: repo })).toBe(
        input.defaultBranch ?? 'main',
      );
      // the register step of the example reads it through the local projects reader
      const reader = new LocalProjectsUrlReader(root);
      const found = await reader.search(String(outputs.catalogInfoUrl));
      expect(found.files).toHaveLength(1);
      expect(yaml.parse((await found.files[0].content()).toString()).kind).toBe(
        'Model',
      );
    },
  );
});

describe('LocalProjectsUrlReader', () => {
  let base: string;
  let root: string;
  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'local-reader-'));
    root = join(base, 'projects');
    await mkdir(join(root, 'p', 'sub'), { recursive: true });
    await writeFile(join(root, 'p', 'catalog-info.yaml'), MODEL);
    await writeFile(join(root, 'p', 'sub', 'a.txt'), 'a');
    await writeFile(join(base, 'secret.txt'), 'secret');
  });
  afterEach(() => rm(base, { recursive: true, force: true }));

  const url = (...parts: string[]) => pathToFileURL(join(...parts)).toString();

  it('reads files in the root, with an etag that says when nothing changed', async () => {
    const reader = new LocalProjectsUrlReader(root);
    const response = await reader.readUrl(url(root, 'p', 'catalog-info.yaml'));
    expect((await response.buffer()).toString()).toBe(MODEL);
    await expect(
      reader.readUrl(url(root, 'p', 'catalog-info.yaml'), {
        etag: response.etag,
      }),
    ).rejects.toMatchObject({ name: 'NotModifiedError' });
    const search = await reader.search(url(root, 'p', 'catalog-info.yaml'));
    expect(search.etag).toBe(response.etag);
    expect((await reader.search(url(root, 'p', 'missing.yaml'))).files).toEqual(
      [],
    );
  });

  it('handles only file: URLs in the root, and refuses links and paths that leave it', async () => {
    const reader = new LocalProjectsUrlReader(root);
    expect(reader.handles(new URL(url(root, 'p', 'catalog-info.yaml')))).toBe(
      true,
    );
    expect(reader.handles(new URL(url(base, 'secret.txt')))).toBe(false);
    expect(reader.handles(new URL('https://example.com/x.yaml'))).toBe(false);
    await expect(reader.readUrl(url(base, 'secret.txt'))).rejects.toThrow(
      'is outside the local projects folder',
    );
    await symlink(join(base, 'secret.txt'), join(root, 'p', 'leak.txt'));
    await expect(reader.readUrl(url(root, 'p', 'leak.txt'))).rejects.toThrow(
      'links outside the local projects folder',
    );
    await expect(reader.search(url(root, 'p', '*.yaml'))).rejects.toThrow(
      'patterns are not supported',
    );
  });

  it('is what the backend adds for the catalog: the factory reads kamlD.localProjects.root', async () => {
    const config = new ConfigReader({ kamlD: { localProjects: { root } } });
    const [tuple] = LocalProjectsUrlReader.factory({
      config,
      logger: undefined as never,
      treeResponseFactory: {
        fromReadableArray: async files => ({
          files: async () =>
            files.map(f => ({
              path: f.path,
              content: async () => {
                const chunks: Buffer[] = [];
                for await (const c of f.data) chunks.push(c as Buffer);
                return Buffer.concat(chunks);
              },
            })),
          archive: async () => {
            throw new Error('not used');
          },
          dir: async () => {
            throw new Error('not used');
          },
          etag: 'tree',
        }),
        fromTarArchive: async () => {
          throw new Error('not used');
        },
        fromZipArchive: async () => {
          throw new Error('not used');
        },
      },
    });
    expect(tuple.predicate(new URL(url(root, 'p')))).toBe(true);
    const tree = await tuple.reader.readTree(url(root, 'p'));
    const files = await tree.files();
    expect(files.map(f => f.path).sort()).toEqual([
      'catalog-info.yaml',
      'sub/a.txt',
    ]);
    expect(
      (await files.find(f => f.path === 'sub/a.txt')!.content()).toString(),
    ).toBe('a');
    expect(await readFile(join(root, 'p', 'sub', 'a.txt'), 'utf8')).toBe('a');
  });

  it('defaults the root to <KAML_DATA_DIR or ./data>/projects', () => {
    const empty = new ConfigReader({});
    expect(readLocalProjectsRoot(empty, {}, '/srv/portal')).toBe(
      '/srv/portal/data/projects',
    );
    expect(
      readLocalProjectsRoot(empty, { KAML_DATA_DIR: '/var/kaml' }, '/srv'),
    ).toBe('/var/kaml/projects');
    expect(
      readLocalProjectsRoot(
        new ConfigReader({ kamlD: { localProjects: { root: 'repos' } } }),
        {},
        '/srv',
      ),
    ).toBe('/srv/repos');
  });
});
