import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { datasetQueryPermission } from '@kaml-d/plugin-kaml-d-common';
import { authorizeOnDatasets } from './authorize';

/**
 * The storage locations of the Datasets a training run reads, in input order. Each ref (a
 * full ref, or a name in the default namespace) must be a Dataset in the catalog with a
 * `spec.location`, and the initiator must hold `kaml-d.dataset.query` — reading the data,
 * not only the catalog entry — on every one of them (checked when `permissions` is given, which
 * the module always does). Fails before anything is created.
 */
export async function trainingDatasetLocations(options: {
  catalog: CatalogService;
  permissions?: PermissionsService;
  datasetRefs: string[];
  credentials: BackstageCredentials;
}): Promise<string[]> {
  const { catalog, permissions, credentials } = options;
  const refs = options.datasetRefs.map(ref => {
    try {
      return stringifyEntityRef(
        parseEntityRef(ref, {
          defaultKind: 'dataset',
          defaultNamespace: 'default',
        }),
      );
    } catch {
      throw new InputError(
        `dataset "${ref}" is not an entity reference; use dataset:default/<name> or <name>`,
      );
    }
  });
  const locations: string[] = [];
  for (const ref of refs) {
    const entity = await catalog.getEntityByRef(ref, { credentials });
    if (!entity || entity.kind.toLocaleLowerCase('en-US') !== 'dataset') {
      throw new InputError(`dataset ${ref} is not in the catalog`);
    }
    const location = (entity.spec as { location?: unknown } | undefined)
      ?.location;
    if (typeof location !== 'string' || !location) {
      throw new InputError(
        `dataset ${stringifyEntityRef(
          entity,
        )} has no spec.location to train on`,
      );
    }
    locations.push(location);
  }
  if (permissions) {
    await authorizeOnDatasets(
      permissions,
      datasetQueryPermission,
      refs,
      credentials,
      'train on its data',
    );
  }
  return locations;
}
