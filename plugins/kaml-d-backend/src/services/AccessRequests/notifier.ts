import { LoggerService } from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  AccessRequest,
  ACCESS_REQUESTS_PAGE_PATH,
  AuditAction,
} from '@kaml-d/plugin-kaml-d-common';
import { AuditLogService } from '../Audit';

/**
 * Tells the owners of a new request and the requester of a decision. A notification that fails
 * leaves the request or decision standing: the failure is logged and audited.
 */
export function createAccessRequestNotifier(options: {
  notifications: NotificationService;
  audit: AuditLogService;
  logger: LoggerService;
}) {
  const { notifications, audit, logger } = options;

  async function notify(
    what: string,
    request: AccessRequest,
    send: () => Promise<void>,
    action: AuditAction,
    actor: string,
  ) {
    try {
      await send();
    } catch (error) {
      // the request or decision stands; the failure is logged and audited
      const message = error instanceof Error ? error.message : String(error);
      logger.warn(
        `Could not notify ${what} of access request ${request.id} on ${request.entityRef}: ${message}`,
      );
      await audit
        .append({
          actor,
          action,
          entityRef: request.entityRef,
          outcome: 'failure',
          details: {
            requestId: request.id,
            failedStep: 'notification',
            recipients: what,
            error: message,
          },
        })
        .catch(auditError =>
          logger.error(
            `Could not audit the failed notification of ${request.id}: ${auditError}`,
          ),
        );
    }
  }

  return {
    /** Asks the entity's owners (not the requester, should they be one) to decide. */
    requested(request: AccessRequest, owners: string[]): Promise<void> {
      const { requester, entityRef } = request;
      return notify(
        'the owners',
        request,
        () =>
          notifications.send({
            recipients: {
              type: 'entity',
              entityRef: owners,
              excludeEntityRef: requester,
            },
            payload: {
              title: `Access request for ${entityRef}`,
              description: `${requester} asks for ${request.permissions.join(
                ', ',
              )} for ${request.durationDays} days: ${request.justification}`,
              link: ACCESS_REQUESTS_PAGE_PATH,
              severity: 'normal',
              topic: 'kaml-d-access-request',
              scope: `kaml-d-access-request:${request.id}`,
            },
          }),
        'access.request',
        requester,
      );
    },

    /** Tells the requester what `decidedBy` decided on request `id`, with the comment if any. */
    decided(
      id: string,
      decided: AccessRequest,
      decision: { approve: boolean; decidedBy: string; comment: string | null },
    ): Promise<void> {
      const { approve, decidedBy: user, comment } = decision;
      return notify(
        'the requester',
        decided,
        () =>
          notifications.send({
            recipients: { type: 'entity', entityRef: decided.requester },
            payload: {
              title: `Access to ${decided.entityRef} ${
                approve ? 'approved' : 'denied'
              }`,
              description: approve
                ? `${user} granted ${decided.permissions.join(', ')} until ${
                    decided.expiresAt
                  }.${comment ? ` ${comment}` : ''}`
                : `${user} denied your request.${comment ? ` ${comment}` : ''}`,
              link: ACCESS_REQUESTS_PAGE_PATH,
              severity: approve ? 'normal' : 'low',
              topic: 'kaml-d-access-request',
              scope: `kaml-d-access-decision:${id}`,
            },
          }),
        approve ? 'access.approve' : 'access.deny',
        user,
      );
    },
  };
}
