import { HttpAuthService } from '@backstage/backend-plugin-api';
import Router from 'express-promise-router';
import { z } from 'zod';
import { RunsService } from '../../services/Runs';
import { parseInput } from './validation';

const entityNamePart = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be letters, digits, -, _ or .');
const modelParams = z.object({
  namespace: entityNamePart,
  name: entityNamePart,
});
const dnsLabel = z
  .string()
  .max(253)
  .regex(
    /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/,
    'must be a Kubernetes object name (lower-case letters, digits, - and .)',
  );
const logQuery = z.object({
  container: dnsLabel.optional(),
  previous: z.enum(['true', 'false']).optional(),
  tailLines: z.coerce.number().int().min(1).max(5000).optional(),
  sinceSeconds: z.coerce.number().int().min(1).max(86_400).optional(),
});

/**
 * Runs and Deployments tabs of a Model: `GET /runs/:namespace/:name` (the model's training Jobs,
 * their pods and its serving Deployments) and `GET /runs/:namespace/:name/pods/:pod/logs`.
 * Reading needs catalog read access to the model (checked by the catalog with the caller's
 * credentials).
 */
export function runsRoutes(options: {
  httpAuth: HttpAuthService;
  runs: RunsService;
}) {
  const { httpAuth, runs } = options;
  const router = Router();

  router.get('/runs/:namespace/:name', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const p = parseInput(modelParams, req.params, 'model path');
    res.json(await runs.runs({ kind: 'model', ...p }, credentials));
  });

  router.get('/runs/:namespace/:name/pods/:pod/logs', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const p = parseInput(modelParams, req.params, 'model path');
    const { pod } = parseInput(
      z.object({ pod: dnsLabel }),
      { pod: req.params.pod },
      'pod name',
    );
    const q = parseInput(logQuery, req.query, 'query string');
    res.json(
      await runs.logs(
        { kind: 'model', ...p },
        {
          pod,
          container: q.container,
          previous: q.previous === 'true',
          tailLines: q.tailLines ?? 200,
          sinceSeconds: q.sinceSeconds,
        },
        credentials,
      ),
    );
  });

  return router;
}
