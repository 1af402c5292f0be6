import { Config } from '@backstage/config';
import {
  auditReadPermission,
  datasetPreviewPermission,
  datasetQueryPermission,
  datasetSnapshotRestorePermission,
  datasetUploadPermission,
  modelDeployPermission,
  modelTrainPermission,
  modelVersionPromotePermission,
} from '@kaml-d/plugin-kaml-d-common';

/**
 * The KAML-D roles. A user has every role one of whose groups they belong to.
 *
 * @public
 */
export const KAML_D_ROLES = [
  'data-scientist',
  'data-engineer',
  'sre',
  'admin',
] as const;

/** One of {@link KAML_D_ROLES}. @public */
export type KamlDRole = (typeof KAML_D_ROLES)[number];

/**
 * Groups of each role when `kamlD.permissions.roles` does not set them: the teams of the demo
 * organisation (catalog/org.yaml).
 *
 * @public
 */
export const DEFAULT_ROLE_GROUPS: Record<KamlDRole, string[]> = {
  'data-scientist': ['group:default/data-science'],
  'data-engineer': ['group:default/data-engineering'],
  sre: ['group:default/ml-platform-sre'],
  admin: ['group:default/admins'],
};

/**
 * The KAML-D permissions each role is granted. An admin is granted everything, on every
 * entity, including `pii` datasets.
 *
 * @public
 */
export const ROLE_PERMISSIONS: Record<KamlDRole, string[]> = {
  'data-scientist': [
    datasetPreviewPermission.name,
    datasetQueryPermission.name,
    modelTrainPermission.name,
    modelVersionPromotePermission.name,
  ],
  'data-engineer': [
    datasetPreviewPermission.name,
    datasetQueryPermission.name,
    datasetUploadPermission.name,
    datasetSnapshotRestorePermission.name,
  ],
  sre: [
    datasetPreviewPermission.name,
    modelDeployPermission.name,
    modelVersionPromotePermission.name,
    auditReadPermission.name,
  ],
  admin: [
    datasetPreviewPermission.name,
    datasetQueryPermission.name,
    datasetUploadPermission.name,
    datasetSnapshotRestorePermission.name,
    modelTrainPermission.name,
    modelDeployPermission.name,
    modelVersionPromotePermission.name,
    auditReadPermission.name,
  ],
};

function normalizeGroupRef(ref: string): string {
  const lower = ref.trim().toLocaleLowerCase('en-US');
  if (lower.includes(':')) {
    return lower.includes('/') ? lower : lower.replace(':', ':default/');
  }
  return lower.includes('/') ? `group:${lower}` : `group:default/${lower}`;
}

/**
 * Reads `kamlD.permissions.roles`: for each role, the groups whose members have it. A role the
 * configuration leaves out keeps its default groups. Group names may be full references
 * (`group:default/admins`) or short names (`admins`).
 *
 * @public
 */
export function readRoleGroups(config?: Config): Record<KamlDRole, string[]> {
  const roles = config?.getOptionalConfig('kamlD.permissions.roles');
  const result = {} as Record<KamlDRole, string[]>;
  for (const role of KAML_D_ROLES) {
    const groups = roles?.getOptionalStringArray(role);
    result[role] = (groups ?? DEFAULT_ROLE_GROUPS[role]).map(normalizeGroupRef);
  }
  if (roles) {
    for (const key of roles.keys()) {
      if (!(KAML_D_ROLES as readonly string[]).includes(key)) {
        throw new Error(
          `kamlD.permissions.roles.${key} is not a KAML-D role; use one of ${KAML_D_ROLES.join(', ')}`,
        );
      }
    }
  }
  return result;
}

/**
 * The roles of a user, from the entity references they own by (their user and group refs).
 *
 * @public
 */
export function rolesOf(
  ownershipEntityRefs: string[],
  roleGroups: Record<KamlDRole, string[]>,
): KamlDRole[] {
  const owned = new Set(
    ownershipEntityRefs.map(r => r.toLocaleLowerCase('en-US')),
  );
  return KAML_D_ROLES.filter(role => roleGroups[role].some(g => owned.has(g)));
}
