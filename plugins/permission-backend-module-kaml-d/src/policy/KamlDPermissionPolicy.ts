import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';

function isUserPrincipal(principal: unknown): boolean {
  return (
    typeof principal === 'object' &&
    principal !== null &&
    'type' in principal &&
    principal.type === 'user'
  );
}

/**
 * The KAML-D permission policy.
 *
 * Every decision requires a signed-in user: a request that reaches the policy without user
 * credentials is denied (service-to-service calls are allowed by the framework before the policy
 * is asked). Role and ownership rules for datasets and models extend this policy.
 *
 * @public
 */
export class KamlDPermissionPolicy implements PermissionPolicy {
  async handle(
    _request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (!user || !isUserPrincipal(user.credentials.principal)) {
      return { result: AuthorizeResult.DENY };
    }
    return { result: AuthorizeResult.ALLOW };
  }
}
