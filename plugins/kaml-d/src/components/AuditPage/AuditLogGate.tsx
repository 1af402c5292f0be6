import { Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/frontend-plugin-api';
import { auditReadPermission } from '@kaml-d/plugin-kaml-d-common';
import { ReactNode } from 'react';
import { auditRouteRef } from '../../routes';
import { useBasicPermission } from '../shared/permissionGate';

/**
 * Renders its children (such as the sidebar item of the audit log) only for users holding
 * `kaml-d.audit.read`.
 *
 * @public
 */
export function AuditLogGate(props: { children: ReactNode }) {
  const gate = useBasicPermission(auditReadPermission, 'Reading the audit log');
  return gate.allowed ? <>{props.children}</> : null;
}

/** A link to the audit log, for users holding `kaml-d.audit.read`. */
export function AuditLogLink() {
  const auditLink = useRouteRef(auditRouteRef);
  const to = auditLink?.();
  if (!to) return null;
  return (
    <AuditLogGate>
      <Link to={to}>Audit log</Link>
    </AuditLogGate>
  );
}
