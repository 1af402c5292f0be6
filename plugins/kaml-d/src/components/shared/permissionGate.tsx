import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { useEntityOwnership } from '@backstage/plugin-catalog-react';
import {
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  datasetPreviewPermission,
  datasetQueryPermission,
} from '@kaml-d/plugin-kaml-d-common';
import Button, { ButtonProps } from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';
import { ReactNode } from 'react';

/**
 * Whether the signed-in user may do one gated action, and why not.
 */
export interface PermissionGate {
  /** The permission decision is still being asked for. */
  loading: boolean;
  allowed: boolean;
  /** The permission name, such as `kaml-d.dataset.preview`. */
  permission: string;
  /**
   * Set when the action is refused: the action, the permission it needs and why the user does
   * not hold it, such as "Preview needs kaml-d.dataset.preview: this dataset is classified pii
   * and you are not an owner".
   */
  reason?: string;
}

/** Permissions that read a dataset's values: the policy keeps them to owners on `pii` data. */
const VALUE_READING = new Set([
  datasetPreviewPermission.name,
  datasetQueryPermission.name,
]);

/** True when a column of the dataset's declared schema is classified `pii`. */
export function hasPiiColumn(entity: Entity): boolean {
  const schema = entity.spec?.schema;
  if (!schema || typeof schema !== 'object' || !('columns' in schema)) {
    return false;
  }
  const columns = (schema as { columns?: unknown }).columns;
  return (
    Array.isArray(columns) &&
    columns.some(
      c =>
        typeof c === 'object' &&
        c !== null &&
        (c as { classification?: unknown }).classification === 'pii',
    )
  );
}

/**
 * The sentence a refused user reads: what the action needs and the most likely reason, from what
 * the policy is known to check (ownership, roles from groups, the `pii` classification).
 */
export function denialReason(options: {
  action: string;
  permission: string;
  entity?: Entity;
  isOwner?: boolean;
}): string {
  const { action, permission, entity, isOwner } = options;
  const needs = `${action} needs ${permission}`;
  if (!entity) {
    return `${needs}: none of your groups has a role that grants it`;
  }
  const kind = entity.kind.toLocaleLowerCase('en-US');
  if (isOwner) {
    return `${needs}: the permission policy refused it on this ${kind}`;
  }
  if (VALUE_READING.has(permission) && hasPiiColumn(entity)) {
    return `${needs}: this ${kind} is classified pii and you are not an owner`;
  }
  return `${needs}: you are not an owner of ${stringifyEntityRef(
    entity,
  )} and none of your groups has a role that grants it`;
}

/**
 * Asks the permission framework whether the user may do `action` on `entity`, with the reason
 * when not.
 */
export function useEntityPermission(
  permission: ResourcePermission<'catalog-entity'>,
  entity: Entity | undefined,
  action: string,
): PermissionGate {
  const resourceRef = entity ? stringifyEntityRef(entity) : undefined;
  const decision = usePermission({ permission, resourceRef });
  const ownership = useEntityOwnership();
  const loading = decision.loading || ownership.loading || !entity;
  const allowed = !loading && decision.allowed;
  return {
    loading,
    allowed,
    permission: permission.name,
    reason:
      loading || allowed
        ? undefined
        : denialReason({
            action,
            permission: permission.name,
            entity,
            isOwner: entity ? ownership.isOwnedEntity(entity) : false,
          }),
  };
}

/** Asks the permission framework whether the user may do `action` (not tied to an entity). */
export function useBasicPermission(
  permission: BasicPermission,
  action: string,
): PermissionGate {
  const decision = usePermission({ permission });
  const allowed = !decision.loading && decision.allowed;
  return {
    loading: decision.loading,
    allowed,
    permission: permission.name,
    reason:
      decision.loading || allowed
        ? undefined
        : denialReason({ action, permission: permission.name }),
  };
}

/**
 * A button that is disabled while the permission is asked for and when it is refused; a refused
 * button carries the reason as its tooltip (the `title` of its wrapper while closed).
 */
export function GatedButton(
  props: ButtonProps & { gate: PermissionGate; children: ReactNode },
) {
  const { gate, disabled, ...rest } = props;
  // the same elements whether allowed or not: a decision arriving does not remount the button
  return (
    <Tooltip title={gate.reason ?? ''}>
      {/* a disabled button fires no events: the span carries the tooltip (and, closed, the title) */}
      <span data-permission={gate.permission}>
        <Button {...rest} disabled={disabled || !gate.allowed} />
      </span>
    </Tooltip>
  );
}
