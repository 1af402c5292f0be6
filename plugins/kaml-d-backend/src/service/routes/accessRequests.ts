import { HttpAuthService } from '@backstage/backend-plugin-api';
import {
  ACCESS_GRANT_DAYS,
  ACCESS_REQUEST_MAX_JUSTIFICATION,
  ACCESS_REQUEST_MIN_JUSTIFICATION,
  ACCESS_REQUEST_STATUSES,
  AccessRequestStatus,
  REQUESTABLE_PERMISSIONS,
} from '@kaml-d/plugin-kaml-d-common';
import Router from 'express-promise-router';
import { z } from 'zod';
import { AccessRequestsService } from '../../services/AccessRequests';
import { parseInput } from './validation';

const createBody = z.object({
  entityRef: z.string().min(1).max(512),
  permissions: z
    .array(z.enum(REQUESTABLE_PERMISSIONS))
    .min(1, `name at least one of ${REQUESTABLE_PERMISSIONS.join(', ')}`)
    .max(REQUESTABLE_PERMISSIONS.length),
  justification: z
    .string()
    .max(ACCESS_REQUEST_MAX_JUSTIFICATION)
    .refine(
      v => v.trim().length >= ACCESS_REQUEST_MIN_JUSTIFICATION,
      `explain why you need access in at least ${ACCESS_REQUEST_MIN_JUSTIFICATION} characters`,
    ),
  durationDays: z
    .number()
    .int('must be a whole number of days')
    .min(
      ACCESS_GRANT_DAYS.min,
      `must be ${ACCESS_GRANT_DAYS.min} to ${ACCESS_GRANT_DAYS.max} days`,
    )
    .max(
      ACCESS_GRANT_DAYS.max,
      `must be ${ACCESS_GRANT_DAYS.min} to ${ACCESS_GRANT_DAYS.max} days`,
    )
    .optional(),
});

const listQuery = z.object({
  scope: z.enum(['mine', 'to-decide']).default('mine'),
  status: z
    .enum(
      ACCESS_REQUEST_STATUSES as [
        AccessRequestStatus,
        ...AccessRequestStatus[],
      ],
    )
    .optional(),
});

const idParams = z.object({
  id: z
    .string()
    .max(64)
    .regex(/^ar-[a-z0-9-]+$/, 'is not an access request id'),
});

const decideBody = z.object({
  decision: z.enum(['approve', 'deny']),
  comment: z.string().max(ACCESS_REQUEST_MAX_JUSTIFICATION).optional(),
});

/**
 * Access request routes: any signed-in user may request access and read their own requests;
 * deciding needs `kaml-d.access.decide` on the entity (its owners and admins), checked by the
 * service.
 */
export function accessRequestRoutes(options: {
  httpAuth: HttpAuthService;
  accessRequests: AccessRequestsService;
}) {
  const { httpAuth, accessRequests } = options;
  const router = Router();

  router.post('/access-requests', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const body = parseInput(createBody, req.body, 'access request');
    res.status(201).json(await accessRequests.create(body, credentials));
  });

  router.get('/access-requests', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const query = parseInput(listQuery, req.query, 'query');
    res.json(await accessRequests.list(query, credentials));
  });

  router.get('/access-requests/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { id } = parseInput(idParams, req.params, 'path');
    res.json(await accessRequests.get(id, credentials));
  });

  router.post('/access-requests/:id/decision', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { id } = parseInput(idParams, req.params, 'path');
    const body = parseInput(decideBody, req.body, 'decision');
    res.json(await accessRequests.decide(id, body, credentials));
  });

  return router;
}
