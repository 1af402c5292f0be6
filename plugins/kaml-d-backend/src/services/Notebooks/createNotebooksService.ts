import {
  BackstageCredentials,
  BackstageUserPrincipal,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  datasetPreviewPermission,
  isDatasetEntity,
  NotebookServersResponse,
  OpenNotebookResponse,
} from '@kaml-d/plugin-kaml-d-common';
import { ObjectDatasetSource } from '@kaml-d/plugin-kaml-d-node';
import { sourceOf } from '../Datasets/sources';
import { ModelVersionsService } from '../ModelVersions';
import { SnapshotsService } from '../Snapshots/types';
import { StorageService } from '../Storage';
import { StorageBindingsService } from '../StorageBindings';
import { NotebooksConfig } from './config';
import { contentsPath, createHubClient, HubClient } from './hub';
import { dataFileLinks } from './links';
import { ensureServer, serverRows, stopServer } from './servers';
import { starterNotebook } from './starter';

type UserCredentials = BackstageCredentials<BackstageUserPrincipal>;

/** Starter notebooks in JupyterHub and the user's servers there. */
export interface NotebooksService {
  /** Writes a notebook loading the dataset (or snapshot `snapshot` of it) into the user's server. */
  openDataset(
    ref: CompoundEntityRef,
    credentials: UserCredentials,
    snapshot?: string,
  ): Promise<OpenNotebookResponse>;
  /** The same for the dataset snapshot a model version was trained on (`dataset`: which one). */
  openModelVersion(
    model: CompoundEntityRef,
    version: number,
    credentials: UserCredentials,
    dataset?: string,
  ): Promise<OpenNotebookResponse>;
  listServers(credentials: UserCredentials): Promise<NotebookServersResponse>;
  /**
   * Stops one of the caller's own servers (`''`: the default one) and answers their servers
   * afterwards; the hub user is always the caller's, never one named in the request.
   */
  stopServer(
    credentials: UserCredentials,
    server: string,
  ): Promise<NotebookServersResponse>;
  /** Throws when JupyterHub cannot be reached (the health probe). */
  check(): Promise<void>;
}

/**
 * The hub user a Backstage user is: the name of their user entity, lowercased
 * (`user:default/alice` → `alice`), the name the hub's own OIDC sign-in gives them when the
 * provider's `preferred_username` is the user entity name (as on the rig and in docs/notebooks.md).
 */
export function hubUserName(userEntityRef: string): string {
  const { kind, name } = parseEntityRef(userEntityRef);
  const user = name.toLowerCase();
  if (kind.toLowerCase() !== 'user' || !/^[a-z0-9][a-z0-9._-]*$/.test(user)) {
    throw new InputError(
      `${userEntityRef} cannot be a JupyterHub user name; sign in as a user whose entity name is letters, digits, ., _ or -.`,
    );
  }
  return user;
}

/** The notebook's file name: one per dataset and snapshot, overwritten on each open. */
export function notebookPath(
  folder: string,
  ref: CompoundEntityRef,
  snapshot?: string,
): string {
  const base =
    ref.namespace === 'default' ? ref.name : `${ref.namespace}-${ref.name}`;
  return `${folder}/${base}${snapshot ? `@${snapshot}` : ''}.ipynb`;
}

export function createNotebooksService(options: {
  config: NotebooksConfig;
  catalog: CatalogService;
  permissions: PermissionsService;
  storage: StorageService;
  bindings: StorageBindingsService;
  snapshots?: Pick<SnapshotsService, 'source'>;
  modelVersions?: Pick<ModelVersionsService, 'get'>;
  hub?: HubClient;
}): NotebooksService {
  const { config, catalog, permissions, storage } = options;
  const hub =
    options.hub ??
    createHubClient({ hubUrl: config.hubUrl, token: config.token });

  /** The dataset's objects as the caller may read them (same checks as the preview route). */
  async function readableSource(
    ref: CompoundEntityRef,
    credentials: UserCredentials,
    snapshot: string | undefined,
  ) {
    const entityRef = stringifyEntityRef({ ...ref, kind: 'dataset' });
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (!entity || !isDatasetEntity(entity)) {
      throw new NotFoundError(`No dataset ${entityRef} in the catalog.`);
    }
    const [decision] = await permissions.authorize(
      [{ permission: datasetPreviewPermission, resourceRef: entityRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You may not read ${entityRef} (${datasetPreviewPermission.name}).`,
      );
    }
    await options.bindings.assertBound(entity);
    if (entity.spec.location.startsWith('trino://')) {
      throw new InputError(
        `${entityRef} is a Trino table, not files a notebook can load; query it from the Query tab.`,
      );
    }
    let source;
    if (snapshot === undefined) {
      source = sourceOf(entity, entity.metadata.name, storage);
    } else if (!options.snapshots) {
      throw new InputError(
        'This backend keeps no dataset snapshots; open the dataset without a snapshot.',
      );
    } else {
      source = await options.snapshots.source(
        entity,
        snapshot,
        entity.metadata.name,
      );
    }
    return {
      entityRef,
      source: source as ObjectDatasetSource,
      location: storage.resolveLocation(entity.spec.location),
    };
  }

  async function open(
    ref: CompoundEntityRef,
    credentials: UserCredentials,
    snapshot: string | undefined,
    modelVersion?: { entityRef: string; version: number },
  ): Promise<OpenNotebookResponse> {
    const user = hubUserName(credentials.principal.userEntityRef);
    const { entityRef, source, location } = await readableSource(
      ref,
      credentials,
      snapshot,
    );
    const { files, expiresAt } = await dataFileLinks({
      source,
      location,
      storage,
      ttlSeconds: config.linkTtlSeconds,
    });
    await ensureServer({
      hub,
      user,
      timeoutMs: config.startTimeoutSeconds * 1000,
    });
    const path = notebookPath(config.folder, ref, snapshot);
    await hub.putContents(user, config.folder, { type: 'directory' });
    await hub.putContents(user, path, {
      type: 'notebook',
      format: 'json',
      content: starterNotebook({
        entityRef,
        format: source.format,
        files,
        expiresAt,
        snapshot,
        modelVersion,
      }),
    });
    return {
      user,
      path,
      url: `${config.publicUrl}/user/${encodeURIComponent(
        user,
      )}/lab/tree/${contentsPath(path)}`,
      entityRef,
      ...(snapshot ? { snapshot } : {}),
      files: files.length,
      expiresAt,
    };
  }

  return {
    openDataset(ref, credentials, snapshot) {
      return open(ref, credentials, snapshot);
    },

    async openModelVersion(model, version, credentials, dataset) {
      if (!options.modelVersions) {
        throw new InputError(
          'This backend keeps no model versions; open the dataset snapshot instead.',
        );
      }
      const found = await options.modelVersions.get(
        model,
        version,
        credentials,
      );
      const trainedOn = dataset
        ? found.trainedOn.find(t => t.datasetRef === dataset)
        : found.trainedOn[0];
      if (!trainedOn) {
        throw new InputError(
          dataset
            ? `${
                found.entityRef
              } version ${version} was not trained on ${dataset}; pick one of: ${
                found.trainedOn.map(t => t.datasetRef).join(', ') || 'none'
              }.`
            : `${found.entityRef} version ${version} names no dataset snapshot it was trained on, so there is nothing to load.`,
        );
      }
      const datasetRef = parseEntityRef(trainedOn.datasetRef);
      return open(datasetRef, credentials, trainedOn.snapshotId, {
        entityRef: found.entityRef,
        version: found.version,
      });
    },

    check() {
      return hub.check();
    },

    async listServers(credentials) {
      const user = hubUserName(credentials.principal.userEntityRef);
      return {
        user,
        hubUrl: config.publicUrl,
        servers: serverRows(await hub.getUser(user), config.publicUrl),
      };
    },

    async stopServer(credentials, server) {
      const user = hubUserName(credentials.principal.userEntityRef);
      const after = await stopServer({
        hub,
        user,
        server,
        timeoutMs: config.startTimeoutSeconds * 1000,
      });
      return {
        user,
        hubUrl: config.publicUrl,
        servers: serverRows(after, config.publicUrl),
      };
    },
  };
}
