import {
  AuthService,
  DiscoveryService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  DATASET_FORMATS,
  DatasetUploadResponse,
  datasetUploadPermission,
} from '@kaml-d/plugin-kaml-d-common';
import { openAsBlob } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { authorizeBasic } from './authorize';
import { withDefaults } from './input';
import { postToKamlDBackend } from './kamlDBackend';
import { examples } from './datasetRegister.examples';

/** Dataset names the KAML-D backend accepts (the same rule as the Workbench upload). */
const DATASET_NAME = /^[a-z0-9]+(?:[-_.][a-z0-9]+)*$/;
const TAG = /^[a-z0-9:+#-]{1,63}$/;
/** `s3://bucket/folder/…/`: an S3 bucket name and a folder of plain segments. */
const S3_LOCATION =
  /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/((?:[A-Za-z0-9!_.*'()+=@,-]+\/)+)$/;
/** The file the backend writes beside the data; an upload may not contain one. */
const MANIFEST_NAME = 'catalog-info.yaml';
/** Files accepted in one upload by the backend. */
export const MAX_REGISTER_FILES = 1000;

/** Values of the inputs a template may leave out. */
const DEFAULTS = {
  tags: [] as string[],
  lifecycle: 'experimental',
  catalogTimeoutSeconds: 60,
  pollIntervalSeconds: 2,
};

/** A file of the task workspace to upload, with the name it gets in the dataset. */
export interface WorkspaceFile {
  absolutePath: string;
  name: string;
  size: number;
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return (
    relative === '' ||
    (!relative.startsWith(`..${path.sep}`) &&
      relative !== '..' &&
      !path.isAbsolute(relative))
  );
}

/**
 * The files named by `files` (workspace-relative paths of files or folders; a folder is uploaded
 * with its sub-folders, names relative to it). Every path must stay inside the workspace, also
 * through symbolic links. Throws an InputError naming the entry otherwise, or when nothing is
 * left to upload.
 */
export async function collectWorkspaceFiles(
  workspacePath: string,
  files: string[],
): Promise<WorkspaceFile[]> {
  let root: string;
  try {
    root = await fs.realpath(workspacePath);
  } catch {
    throw new InputError(
      `The task workspace ${workspacePath} does not exist; fetch the files into it first (fetch:plain, …).`,
    );
  }
  const result: WorkspaceFile[] = [];
  const names = new Set<string>();
  const add = (file: WorkspaceFile, entry: string) => {
    if (names.has(file.name)) {
      throw new InputError(
        `files: two entries give a file the name "${file.name}" (the last from "${entry}"); rename one.`,
      );
    }
    if (file.name === MANIFEST_NAME) {
      throw new InputError(
        `files: "${entry}" holds a file called ${MANIFEST_NAME} at the top; the registration writes that file itself, rename or remove it.`,
      );
    }
    names.add(file.name);
    result.push(file);
    if (result.length > MAX_REGISTER_FILES) {
      throw new InputError(
        `files: more than ${MAX_REGISTER_FILES} files; register the rest as another dataset or point at storage with "location".`,
      );
    }
  };

  const walk = async (dir: string, prefix: string, entry: string) => {
    const children = await fs.readdir(dir, { withFileTypes: true });
    children.sort((a, b) => a.name.localeCompare(b.name));
    for (const child of children) {
      const full = path.join(dir, child.name);
      const real = await fs.realpath(full);
      if (!isInside(root, real)) {
        throw new InputError(
          `files: "${entry}" contains ${path.relative(
            root,
            full,
          )}, a link that leads out of the task workspace.`,
        );
      }
      const stat = await fs.stat(real);
      if (stat.isDirectory()) {
        await walk(real, `${prefix}${child.name}/`, entry);
      } else if (stat.isFile()) {
        add(
          {
            absolutePath: real,
            name: `${prefix}${child.name}`,
            size: stat.size,
          },
          entry,
        );
      }
    }
  };

  for (const entry of files) {
    const trimmed = entry.trim();
    if (!trimmed || path.isAbsolute(trimmed)) {
      throw new InputError(
        `files: "${entry}" must be a path relative to the task workspace, such as "data" or "data/train.csv".`,
      );
    }
    const full = path.resolve(root, trimmed);
    if (!isInside(root, full)) {
      throw new InputError(
        `files: "${entry}" leads out of the task workspace; name a file or folder inside it.`,
      );
    }
    let real: string;
    try {
      real = await fs.realpath(full);
    } catch {
      throw new InputError(
        `files: "${entry}" does not exist in the task workspace; check the path or the step that fetches it.`,
      );
    }
    if (!isInside(root, real)) {
      throw new InputError(
        `files: "${entry}" is a link that leads out of the task workspace.`,
      );
    }
    const stat = await fs.stat(real);
    if (stat.isDirectory()) {
      await walk(real, '', entry);
    } else if (stat.isFile()) {
      add(
        { absolutePath: real, name: path.basename(real), size: stat.size },
        entry,
      );
    } else {
      throw new InputError(`files: "${entry}" is neither a file nor a folder.`);
    }
  }
  if (result.length === 0) {
    throw new InputError(
      `files: ${files
        .map(f => `"${f}"`)
        .join(', ')} hold no files; nothing would be uploaded.`,
    );
  }
  return result;
}

/**
 * `kaml-d:dataset:register` — a new Dataset: either files of the task workspace uploaded through
 * the KAML-D backend (the Workbench upload), or a folder already in object storage. Either way the
 * backend writes the Dataset entity as `catalog-info.yaml` beside the data and the catalog
 * module's object-store provider registers it; the step waits until the catalog serves it.
 * @public
 */
export function createDatasetRegisterAction(options: {
  discovery: DiscoveryService;
  auth: AuthService;
  catalog: CatalogService;
  permissions: PermissionsService;
}) {
  const { discovery, auth, catalog, permissions } = options;
  return createTemplateAction({
    id: 'kaml-d:dataset:register',
    description:
      'Registers a Dataset in the catalog: uploads files from the task workspace into object storage, or points at a folder already there; the Dataset entity is written beside the data and discovered by the catalog.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z =>
          z
            .string({
              description:
                'Name of the Dataset entity and of its folder: 1 to 63 lowercase letters, digits and single - _ . between them, such as "sales-2024"',
            })
            .min(1)
            .max(63),
        files: z =>
          z
            .array(z.string(), {
              description:
                'Paths relative to the task workspace of the files or folders to upload (a folder is uploaded with its sub-folders). Give this or "location", not both',
            })
            .optional(),
        location: z =>
          z
            .string({
              description:
                'A folder already in object storage to register without copying, such as s3://kaml-datasets/clickstream-2024/ (a folder directly in the bucket datasets are discovered in). Give this or "files", not both',
            })
            .optional(),
        format: z =>
          z
            .enum(DATASET_FORMATS, {
              description:
                'Format of the data; when left out it is taken from the file extensions',
            })
            .optional(),
        description: z =>
          z
            .string({ description: 'What the data holds, for the catalog' })
            .max(2000)
            .optional(),
        owner: z =>
          z
            .string({
              description:
                'Owner entity ref, such as group:default/data-engineering; the user who runs the task when left out',
            })
            .optional(),
        tags: z =>
          z
            .array(z.string(), {
              description:
                'Catalog tags: lowercase letters, digits and - (at most 63 each)',
            })
            .max(20)
            .optional(),
        system: z =>
          z
            .string({ description: 'System entity the dataset belongs to' })
            .optional(),
        lifecycle: z =>
          z
            .string({
              description:
                'Lifecycle of the Dataset entity (experimental, production, …); experimental when left out',
            })
            .optional(),
        catalogTimeoutSeconds: z =>
          z
            .number({
              description:
                'How long to wait for the catalog to serve the new Dataset entity before failing the step; 0 to not wait (default 60)',
            })
            .min(0)
            .max(3600)
            .optional(),
        pollIntervalSeconds: z =>
          z
            .number({
              description:
                'Seconds between two catalog look-ups while waiting (default 2)',
            })
            .min(0.01)
            .max(60)
            .optional(),
      },
      output: {
        entityRef: z =>
          z.string({
            description: 'The Dataset entity ref, such as dataset:default/x',
          }),
        location: z =>
          z.string({
            description: 'Where the data is: s3://bucket/folder/',
          }),
        fileCount: z =>
          z.number({
            description: 'Files uploaded (upload) or found (location)',
          }),
        links: z =>
          z.array(
            z.object({
              title: z.string(),
              entityRef: z.string().optional(),
              url: z.string().optional(),
            }),
            {
              description:
                'Links to show on the task page: the Dataset in the catalog',
            },
          ),
      },
    },
    async handler(ctx) {
      const input = withDefaults(ctx.input, DEFAULTS);
      const name = input.name.trim();
      if (!DATASET_NAME.test(name) || name.length > 63) {
        throw new InputError(
          `name: "${input.name}" is not a valid dataset name; use 1 to 63 lowercase letters, digits and single - _ . between them, such as "sales-2024".`,
        );
      }
      const hasFiles = input.files !== undefined;
      const hasLocation = input.location !== undefined;
      if (hasFiles === hasLocation) {
        throw new InputError(
          'Give either "files" (upload from the task workspace) or "location" (a folder already in storage), not both and not neither.',
        );
      }
      const badTag = input.tags.find(t => !TAG.test(t));
      if (badTag !== undefined) {
        throw new InputError(
          `tags: "${badTag}" is not valid; use lowercase letters, digits and - (at most 63).`,
        );
      }
      let location: string | undefined;
      if (input.location !== undefined) {
        location = input.location.trim().replace(/\/?$/, '/');
        const match = S3_LOCATION.exec(location);
        if (
          !match ||
          match[2]
            .split('/')
            .some(segment => segment === '.' || segment === '..')
        ) {
          throw new InputError(
            `location: "${input.location}" is not a storage folder; use s3://<bucket>/<folder>/ without "." or ".." segments.`,
          );
        }
      }
      const entityRef = `dataset:default/${name}`;
      const credentials = await ctx.getInitiatorCredentials();
      await authorizeBasic(
        permissions,
        datasetUploadPermission,
        credentials,
        'register datasets',
      );
      const files = input.files
        ? await collectWorkspaceFiles(ctx.workspacePath, input.files)
        : undefined;
      const assertNew = async () => {
        const existing = await catalog.getEntityByRef(entityRef, {
          credentials,
        });
        // a folder of the discovery bucket is in the catalog already under its folder name;
        // registering it under that name gives it the manifest's owner, description and tags
        const sameFolder =
          location !== undefined &&
          typeof existing?.spec?.location === 'string' &&
          existing.spec.location.replace(/\/?$/, '/') === location;
        if (existing && !sameFolder) {
          throw new ConflictError(
            `${entityRef} already exists in the catalog; choose another name (nothing was uploaded).`,
          );
        }
      };
      const links = [{ title: 'Dataset in the catalog', entityRef }];

      if (ctx.isDryRun) {
        await assertNew();
        ctx.logger.info(
          files
            ? `Dry run: would upload ${files.length} file(s) (${files.reduce(
                (sum, f) => sum + f.size,
                0,
              )} bytes) as ${entityRef}`
            : `Dry run: would register ${location} as ${entityRef}`,
        );
        ctx.output('entityRef', entityRef);
        ctx.output('location', location ?? `s3://<upload bucket>/${name}/`);
        ctx.output('fileCount', files?.length ?? 0);
        ctx.output('links', links);
        return;
      }

      // a retried task reuses the first registration instead of uploading again
      const registered = await ctx.checkpoint({
        key: `kaml-d.dataset.register.${name}.${ctx.step?.id ?? ''}`,
        fn: async () => {
          await assertNew();
          const common = {
            name,
            ...(input.format ? { format: input.format } : {}),
            ...(input.description ? { description: input.description } : {}),
            ...(input.owner ? { owner: input.owner } : {}),
            ...(input.system ? { system: input.system } : {}),
            lifecycle: input.lifecycle,
          };
          let answer: DatasetUploadResponse;
          if (files) {
            // the fields first, then the files: the backend reads the name before storing files
            const form = new FormData();
            for (const [key, value] of Object.entries(common)) {
              form.append(key, value);
            }
            if (input.tags.length) form.append('tags', input.tags.join(','));
            for (const file of files) {
              form.append(
                'files',
                await openAsBlob(file.absolutePath),
                file.name,
              );
            }
            answer = await postToKamlDBackend<DatasetUploadResponse>({
              discovery,
              auth,
              onBehalfOf: credentials,
              path: '/datasets/upload',
              body: form,
              failure: `Upload of ${entityRef} failed`,
            });
          } else {
            answer = await postToKamlDBackend<DatasetUploadResponse>({
              discovery,
              auth,
              onBehalfOf: credentials,
              path: '/datasets/register',
              body: { ...common, tags: input.tags, location },
              failure: `Registration of ${location} as ${entityRef} failed`,
            });
          }
          return {
            entityRef: answer.entityRef,
            location: answer.location,
            fileCount: answer.objects.length,
          };
        },
      });
      ctx.logger.info(
        `${registered.location} holds ${registered.fileCount} file(s); Dataset entity ${registered.entityRef} written beside them`,
      );

      if (input.catalogTimeoutSeconds > 0) {
        const deadline = Date.now() + input.catalogTimeoutSeconds * 1000;
        for (;;) {
          if (
            await catalog.getEntityByRef(registered.entityRef, { credentials })
          ) {
            ctx.logger.info(`${registered.entityRef} is in the catalog`);
            break;
          }
          if (Date.now() >= deadline) {
            throw new Error(
              `${registered.entityRef} is not in the catalog after ${input.catalogTimeoutSeconds} s, although its data and manifest are stored at ${registered.location}. The catalog module's object-store discovery (catalog.providers.kamlD.objectStore) must list that bucket; retry the task to wait again.`,
            );
          }
          await new Promise(r =>
            setTimeout(r, input.pollIntervalSeconds * 1000),
          );
        }
      }
      ctx.output('entityRef', registered.entityRef);
      ctx.output('location', registered.location);
      ctx.output('fileCount', registered.fileCount);
      ctx.output('links', [
        { title: 'Dataset in the catalog', entityRef: registered.entityRef },
      ]);
    },
  });
}
