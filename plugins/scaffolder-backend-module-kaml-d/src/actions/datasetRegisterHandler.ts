import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ActionContext } from '@backstage/plugin-scaffolder-node';
import {
  DatasetFormat,
  datasetUploadPermission,
} from '@kaml-d/plugin-kaml-d-common';
import { authorizeBasic } from './authorize';
import { collectWorkspaceFiles, WorkspaceFile } from './datasetRegisterFiles';
import {
  checkRegisterInput,
  DatasetDescription,
  registerBody,
  uploadForm,
} from './datasetRegisterRequest';
import { withDefaults } from './input';
import { kamlDBackendClient, orFail } from './kamlDBackend';

/** The inputs of `kaml-d:dataset:register`, as its schema declares them. */
export type DatasetRegisterInput = {
  name: string;
  files?: string[];
  location?: string;
  format?: DatasetFormat;
  description?: string;
  owner?: string;
  tags?: string[];
  system?: string;
  lifecycle?: string;
  catalogTimeoutSeconds?: number;
  pollIntervalSeconds?: number;
};

/** The outputs of `kaml-d:dataset:register`, as its schema declares them. */
export type DatasetRegisterOutput = {
  entityRef: string;
  location: string;
  fileCount: number;
  links: Array<{ title: string; entityRef?: string; url?: string }>;
};

/** What the action was created with. */
export interface DatasetRegisterDeps {
  discovery: DiscoveryService;
  auth: AuthService;
  catalog: CatalogService;
  permissions: PermissionsService;
}

type RegisterContext = ActionContext<
  DatasetRegisterInput,
  DatasetRegisterOutput
>;

/** Values of the inputs a template may leave out. */
const DEFAULTS = {
  tags: [] as string[],
  lifecycle: 'experimental',
  catalogTimeoutSeconds: 60,
  pollIntervalSeconds: 2,
};

/** Where the registered data is, as the backend answered. */
type Registered = {
  entityRef: string;
  location: string;
  fileCount: number;
};

/**
 * Fails with a ConflictError when `entityRef` is in the catalog already, unless it is the
 * discovered entry of the same storage folder: a folder of the discovery bucket is in the catalog
 * under its folder name, and registering it under that name gives it the manifest's owner,
 * description and tags.
 */
async function assertNewDataset(
  catalog: CatalogService,
  entityRef: string,
  location: string | undefined,
  credentials: BackstageCredentials,
) {
  const existing = await catalog.getEntityByRef(entityRef, { credentials });
  const sameFolder =
    location !== undefined &&
    typeof existing?.spec?.location === 'string' &&
    existing.spec.location.replace(/\/?$/, '/') === location;
  if (existing && !sameFolder) {
    throw new ConflictError(
      `${entityRef} already exists in the catalog; choose another name (nothing was uploaded).`,
    );
  }
}

/** Uploads the files, or registers the storage folder, through the KAML-D backend. */
async function postRegistration(options: {
  deps: DatasetRegisterDeps;
  credentials: BackstageCredentials;
  entityRef: string;
  name: string;
  dataset: DatasetDescription;
  files?: WorkspaceFile[];
  location?: string;
}): Promise<Registered> {
  const { deps, credentials, entityRef, name, dataset, files, location } =
    options;
  const client = kamlDBackendClient({
    discovery: deps.discovery,
    auth: deps.auth,
    onBehalfOf: credentials,
  });
  // checkRegisterInput let through exactly one of the two
  const answer =
    location !== undefined
      ? await orFail(`Registration of ${location} as ${entityRef} failed`, () =>
          client.registerDataset(registerBody(name, dataset, location)),
        )
      : await orFail(`Upload of ${entityRef} failed`, async () =>
          client.uploadDataset(await uploadForm(name, dataset, files ?? [])),
        );
  return {
    entityRef: answer.entityRef,
    location: answer.location,
    fileCount: answer.objects.length,
  };
}

/** Waits until the catalog serves the new Dataset entity; fails after `timeoutSeconds`. */
async function waitForCatalog(options: {
  catalog: CatalogService;
  credentials: BackstageCredentials;
  logger: LoggerService;
  registered: Registered;
  timeoutSeconds: number;
  pollIntervalSeconds: number;
}) {
  const { catalog, credentials, logger, registered } = options;
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  for (;;) {
    if (await catalog.getEntityByRef(registered.entityRef, { credentials })) {
      logger.info(`${registered.entityRef} is in the catalog`);
      return;
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `${registered.entityRef} is not in the catalog after ${options.timeoutSeconds} s, although its data and manifest are stored at ${registered.location}. The catalog module's object-store discovery (catalog.providers.kamlD.objectStore) must list that bucket; retry the task to wait again.`,
      );
    }
    await new Promise(r => setTimeout(r, options.pollIntervalSeconds * 1000));
  }
}

/** What a dry run says it would register. */
function dryRunSummary(
  entityRef: string,
  files: WorkspaceFile[] | undefined,
  location: string | undefined,
) {
  return files
    ? `Dry run: would upload ${files.length} file(s) (${files.reduce(
        (sum, f) => sum + f.size,
        0,
      )} bytes) as ${entityRef}`
    : `Dry run: would register ${location} as ${entityRef}`;
}

/**
 * The handler of `kaml-d:dataset:register`: validate the inputs, the permission and the files,
 * then register once (a checkpoint) and wait until the catalog serves the Dataset.
 */
export async function registerDataset(
  ctx: RegisterContext,
  deps: DatasetRegisterDeps,
) {
  const { catalog, permissions } = deps;
  const input = withDefaults(ctx.input, DEFAULTS);

  const { name, location } = checkRegisterInput(input);
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
  const assertNew = () =>
    assertNewDataset(catalog, entityRef, location, credentials);

  if (ctx.isDryRun) {
    await assertNew();
    ctx.logger.info(dryRunSummary(entityRef, files, location));
    ctx.output('entityRef', entityRef);
    ctx.output('location', location ?? `s3://<upload bucket>/${name}/`);
    ctx.output('fileCount', files?.length ?? 0);
    ctx.output('links', [{ title: 'Dataset in the catalog', entityRef }]);
    return;
  }

  // a retried task reuses the first registration instead of uploading again
  const registered = await ctx.checkpoint({
    key: `kaml-d.dataset.register.${name}.${ctx.step?.id ?? ''}`,
    fn: async () => {
      await assertNew();
      return postRegistration({
        deps,
        credentials,
        entityRef,
        name,
        dataset: input,
        files,
        location,
      });
    },
  });
  ctx.logger.info(
    `${registered.location} holds ${registered.fileCount} file(s); Dataset entity ${registered.entityRef} written beside them`,
  );

  if (input.catalogTimeoutSeconds > 0) {
    await waitForCatalog({
      catalog,
      credentials,
      logger: ctx.logger,
      registered,
      timeoutSeconds: input.catalogTimeoutSeconds,
      pollIntervalSeconds: input.pollIntervalSeconds,
    });
  }
  ctx.output('entityRef', registered.entityRef);
  ctx.output('location', registered.location);
  ctx.output('fileCount', registered.fileCount);
  ctx.output('links', [
    { title: 'Dataset in the catalog', entityRef: registered.entityRef },
  ]);
}
