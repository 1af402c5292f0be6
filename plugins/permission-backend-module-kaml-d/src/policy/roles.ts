import { Config } from '@backstage/config';
import {
  auditReadPermission,
  datasetAssignOwnerPermission,
  datasetPreviewPermission,
  datasetQueryPermission,
  datasetSnapshotRestorePermission,
  datasetRescanPermission,
  datasetUploadPermission,
  datasetWritePermission,
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
    datasetRescanPermission.name,
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
    datasetRescanPermission.name,
    datasetWritePermission.name,
    datasetAssignOwnerPermission.name,
    datasetSnapshotRestorePermission.name,
    modelTrainPermission.name,
    modelDeployPermission.name,
    modelVersionPromotePermission.name,
    auditReadPermission.name,
  ],
};

/**
 * A group as a full, lower-case reference: `admins` → `group:default/admins`.
 *
 * @public
 */
export function normalizeGroupRef(ref: string): string {
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
          `kamlD.permissions.roles.${key} is not a KAML-D role; use one of ${KAML_D_ROLES.join(
            ', ',
          )}`,
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

/**
 * A role held only on the entities of some projects: members of `groups` have the role's
 * permissions on entities whose project (`kaml-d.io/project` annotation, else `spec.system`) is
 * one of `projects`.
 *
 * @public
 */
export interface ProjectRole {
  role: Exclude<KamlDRole, 'admin'>;
  groups: string[];
  projects: string[];
}

/**
 * Reads `kamlD.permissions.projectRoles`. Fails with a sentence naming the entry when a role is
 * unknown, is `admin` (admins are admins everywhere) or a list is empty.
 *
 * @public
 */
export function readProjectRoles(config?: Config): ProjectRole[] {
  const entries =
    config?.getOptionalConfigArray('kamlD.permissions.projectRoles') ?? [];
  return entries.map((entry, i) => {
    const where = `kamlD.permissions.projectRoles[${i}]`;
    const role = entry.getString('role');
    if (
      role === 'admin' ||
      !(KAML_D_ROLES as readonly string[]).includes(role)
    ) {
      throw new Error(
        `${where}.role "${role}" cannot be limited to projects; use one of ${KAML_D_ROLES.filter(
          r => r !== 'admin',
        ).join(', ')}`,
      );
    }
    const groups = entry.getStringArray('groups').map(normalizeGroupRef);
    const projects = entry
      .getStringArray('projects')
      .map(p => p.trim().toLocaleLowerCase('en-US'))
      .filter(Boolean);
    if (groups.length === 0 || projects.length === 0) {
      throw new Error(
        `${where} needs at least one group and one project; remove the entry or fill both lists`,
      );
    }
    return { role: role as ProjectRole['role'], groups, projects };
  });
}

/**
 * The projects on which the user's project roles grant the permission (empty when none does).
 *
 * @public
 */
export function projectsGranting(
  ownershipEntityRefs: string[],
  projectRoles: ProjectRole[],
  permissionName: string,
): string[] {
  const owned = new Set(
    ownershipEntityRefs.map(r => r.toLocaleLowerCase('en-US')),
  );
  const projects = new Set<string>();
  for (const entry of projectRoles) {
    if (
      ROLE_PERMISSIONS[entry.role].includes(permissionName) &&
      entry.groups.some(g => owned.has(g))
    ) {
      entry.projects.forEach(p => projects.add(p));
    }
  }
  return [...projects];
}
