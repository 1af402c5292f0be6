import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { auditReadPermission } from '@kaml-d/plugin-kaml-d-common';
import Router from 'express-promise-router';
import { Request } from 'express';
import { z } from 'zod';
import { AuditLogService } from '../../services/Audit';
import { jsonObject, parseInput, queryInteger } from './validation';

const auditActions = [
  'dataset.upload',
  'dataset.register',
  'dataset.rescan',
  'dataset.snapshot.create',
  'dataset.snapshot.restore',
  'dataset.snapshot.delete',
  'model.version.register',
  'model.version.promote',
  'model.train',
  'model.deploy',
  'access.request',
  'access.approve',
  'access.deny',
] as const;

const isoTime = z
  .string()
  .max(40)
  .refine(v => !Number.isNaN(Date.parse(v)), 'must be an ISO 8601 time');

const filters = z.object({
  actor: z.string().min(1).max(512).optional(),
  action: z.enum(auditActions).optional(),
  entityRef: z.string().min(1).max(512).optional(),
  since: isoTime.optional(),
  until: isoTime.optional(),
});

const listQuery = filters.extend({
  limit: queryInteger.optional(),
  before: queryInteger.optional(),
});

const appendBody = z.object({
  actor: z.string().min(1).max(512),
  action: z.enum(auditActions),
  entityRef: z.string().min(1).max(512).optional(),
  outcome: z.enum(['success', 'failure']),
  details: jsonObject.optional(),
});

/**
 * Audit log routes: read and export (users holding `kaml-d.audit.read`), and append (other
 * backend plugins only, with their service token).
 */
export function auditRoutes(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  audit: AuditLogService;
}) {
  const { httpAuth, permissions, audit } = options;
  const router = Router();

  async function authorizeRead(req: Request) {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const [decision] = await permissions.authorize(
      [{ permission: auditReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Reading the audit log needs the ${auditReadPermission.name} permission`,
      );
    }
  }

  router.get('/audit', async (req, res) => {
    await authorizeRead(req);
    const query = parseInput(listQuery, req.query, 'audit query');
    res.json(await audit.list(query));
  });

  router.get('/audit/export', async (req, res) => {
    await authorizeRead(req);
    const query = parseInput(filters, req.query, 'audit query');
    res.setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
    res.setHeader(
      'Content-Disposition',
      'attachment; filename="kaml-d-audit.jsonl"',
    );
    for await (const event of audit.export(query)) {
      res.write(`${JSON.stringify(event)}\n`);
    }
    res.end();
  });

  router.post('/audit/events', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['service'] });
    const body = parseInput(appendBody, req.body, 'audit event');
    res.status(201).json(await audit.append(body));
  });

  return router;
}
