import { auditReadPermission } from '@kaml-d/plugin-kaml-d-common';
import { ReactNode } from 'react';
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
