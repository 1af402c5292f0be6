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
