import {
  AuthService,
  DiscoveryService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { DATASET_FORMATS } from '@kaml-d/plugin-kaml-d-common';
import { examples } from './datasetRegister.examples';
import { registerDataset } from './datasetRegisterHandler';

export {
  collectWorkspaceFiles,
  MAX_REGISTER_FILES,
  type WorkspaceFile,
} from './datasetRegisterFiles';

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
      await registerDataset(ctx, options);
    },
  });
}
