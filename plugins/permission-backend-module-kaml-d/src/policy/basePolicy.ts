import { Config } from '@backstage/config';
import { KAML_D_ROLES, KamlDRole, normalizeGroupRef } from './roles';

/**
 * Who a base-policy rule allows: every signed-in user, or admins plus the members of some
 * groups or KAML-D roles.
 *
 * @public
 */
export type BasePolicyRule = {
  /** Permission names; an entry ending in `*` matches every name it begins (`scaffolder.*`). */
  permissions: string[];
} & (
  | { allow: 'signed-in' }
  | {
      allow: 'admins';
      /** Group references allowed besides admins (lower case, full refs). */
      groups: string[];
      /** KAML-D roles whose members are allowed besides admins. */
      roles: KamlDRole[];
    }
);

/**
 * The decision on permissions that are not KAML-D's (catalog, scaffolder, kubernetes, …):
 * the first rule naming the permission decides; `default` decides the rest. Admins are always
 * allowed.
 *
 * @public
 */
export interface BasePolicy {
  default: 'allow' | 'deny';
  rules: BasePolicyRule[];
}

/**
 * The base policy when `kamlD.permissions.basePolicy` is not configured: every signed-in user is
 * allowed every non-KAML-D permission. Permissive on purpose for the embedded demo (one guest
 * user); `app-config.production.yaml` ships a restrictive one.
 *
 * @public
 */
export const PERMISSIVE_BASE_POLICY: BasePolicy = {
  default: 'allow',
  rules: [],
};

const PERMISSION_PATTERN = /^[a-z0-9][a-z0-9.-]*(\*)?$|^\*$/i;

/**
 * Reads `kamlD.permissions.basePolicy`. Fails with a sentence naming the entry when a value is
 * not one the policy understands.
 *
 * @public
 */
export function readBasePolicy(config?: Config): BasePolicy {
  const base = config?.getOptionalConfig('kamlD.permissions.basePolicy');
  if (!base) return PERMISSIVE_BASE_POLICY;
  const where = 'kamlD.permissions.basePolicy';
  const fallback = base.getOptionalString('default') ?? 'allow';
  if (fallback !== 'allow' && fallback !== 'deny') {
    throw new Error(
      `${where}.default must be allow or deny; got "${fallback}"`,
    );
  }
  const rules = (base.getOptionalConfigArray('rules') ?? []).map(
    (entry, i): BasePolicyRule => {
      const at = `${where}.rules[${i}]`;
      const permissions = entry.getStringArray('permissions');
      const bad = permissions.find(p => !PERMISSION_PATTERN.test(p));
      if (permissions.length === 0 || bad !== undefined) {
        throw new Error(
          `${at}.permissions must list permission names such as catalog.location.create, or prefixes such as scaffolder.*; got "${
            bad ?? ''
          }"`,
        );
      }
      const allow = entry.getOptionalString('allow') ?? 'admins';
      const groups = entry.getOptionalStringArray('groups') ?? [];
      const roles = entry.getOptionalStringArray('roles') ?? [];
      if (allow === 'signed-in') {
        if (groups.length > 0 || roles.length > 0) {
          throw new Error(
            `${at} allows every signed-in user; remove its groups and roles, or set allow: admins`,
          );
        }
        return { permissions, allow };
      }
      if (allow !== 'admins') {
        throw new Error(
          `${at}.allow must be signed-in or admins (admins plus the rule's groups and roles); got "${allow}"`,
        );
      }
      const unknown = roles.find(
        r => !(KAML_D_ROLES as readonly string[]).includes(r),
      );
      if (unknown !== undefined) {
        throw new Error(
          `${at}.roles: "${unknown}" is not a KAML-D role; use ${KAML_D_ROLES.join(
            ', ',
          )}`,
        );
      }
      return {
        permissions,
        allow,
        groups: groups.map(normalizeGroupRef),
        roles: roles as KamlDRole[],
      };
    },
  );
  return { default: fallback, rules };
}

function matches(pattern: string, name: string): boolean {
  return pattern.endsWith('*')
    ? name.startsWith(pattern.slice(0, -1))
    : pattern === name;
}

/**
 * Whether the base policy allows a non-KAML-D permission to a signed-in user who is no admin,
 * with their ownership references and KAML-D roles.
 *
 * @public
 */
export function baseAllows(
  policy: BasePolicy,
  permissionName: string,
  ownershipEntityRefs: string[],
  roles: KamlDRole[],
): boolean {
  const rule = policy.rules.find(r =>
    r.permissions.some(p => matches(p, permissionName)),
  );
  if (!rule) return policy.default === 'allow';
  if (rule.allow === 'signed-in') return true;
  const owned = new Set(
    ownershipEntityRefs.map(r => r.toLocaleLowerCase('en-US')),
  );
  return (
    rule.groups.some(g => owned.has(g)) ||
    rule.roles.some(r => roles.includes(r))
  );
}
