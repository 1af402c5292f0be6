import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';

/**
 * Checks that the user who started the task holds `permission` on the Model `modelRef`. The
 * decision goes through the permission framework with the entity as resource, so conditional
 * decisions of the policy (owner of the model, …) are evaluated against the catalog entity.
 * Throws a NotAllowedError naming the permission when denied.
 */
export async function authorizeOnModel(
  permissions: PermissionsService,
  permission: ResourcePermission<'catalog-entity'>,
  modelRef: string,
  credentials: BackstageCredentials,
): Promise<void> {
  const resourceRef = stringifyEntityRef(
    parseEntityRef(modelRef, {
      defaultKind: 'model',
      defaultNamespace: 'default',
    }),
  );
  const [decision] = await permissions.authorize(
    [{ permission, resourceRef }],
    { credentials },
  );
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(
      `${permission.name} is required on ${resourceRef}: you may not ${
        permission.name === 'kaml-d.model.deploy' ? 'deploy' : 'train'
      } this model`,
    );
  }
}

/**
 * Checks that the user who started the task holds the basic permission `permission` (such as
 * `kaml-d.dataset.upload`); throws a NotAllowedError naming it and what it allows otherwise.
 */
export async function authorizeBasic(
  permissions: PermissionsService,
  permission: BasicPermission,
  credentials: BackstageCredentials,
  allows: string,
): Promise<void> {
  const [decision] = await permissions.authorize([{ permission }], {
    credentials,
  });
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(
      `${permission.name} is required: you may not ${allows}`,
    );
  }
}

/**
 * Checks that the user who started the task may read the data of each Dataset (`permission`,
 * such as `kaml-d.dataset.query`, asked on every entity in one call), so a step cannot hand a
 * Job the location of data its initiator could not read themselves (pii datasets are for their
 * owners, admins and access grants). Throws a NotAllowedError naming the datasets otherwise.
 */
export async function authorizeOnDatasets(
  permissions: PermissionsService,
  permission: ResourcePermission<'catalog-entity'>,
  datasetRefs: string[],
  credentials: BackstageCredentials,
  purpose: string,
): Promise<void> {
  if (datasetRefs.length === 0) return;
  const decisions = await permissions.authorize(
    datasetRefs.map(resourceRef => ({ permission, resourceRef })),
    { credentials },
  );
  const denied = datasetRefs.filter(
    (_, i) => decisions[i].result !== AuthorizeResult.ALLOW,
  );
  if (denied.length > 0) {
    throw new NotAllowedError(
      `${permission.name} is required on ${denied.join(
        ', ',
      )}: you may not ${purpose}; ask the owner for access, or leave the dataset out`,
    );
  }
}
