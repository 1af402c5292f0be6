import { HttpAuthService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import Router from 'express-promise-router';
import { z } from 'zod';
import { RunsService } from '../../services/Runs';
import { PAST_LOGS_NOT_CONFIGURED } from '../../services/Runs/pastLogs';
import { parseInput } from './validation';

const entityNamePart = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be letters, digits, -, _ or .');
const dnsName = z
  .string()
  .max(253)
  .regex(
    /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/,
    'must be a Kubernetes object name (lower-case letters, digits, - and .)',
  );
const pastLogQuery = z.object({
  container: dnsName.optional(),
  q: z.string().max(500, 'at most 500 characters').optional(),
  limit: z.coerce.number().int().min(1).max(5000).optional(),
  start: z.string().datetime({ offset: true }).optional(),
  end: z.string().datetime({ offset: true }).optional(),
});

/**
 * `GET /runs/:namespace/:name/pods/:pod/past-logs?container=&q=&limit=&start=&end=`: lines of a
 * finished or deleted pod of the model's runs, from Loki or Elasticsearch/OpenSearch. Needs
 * catalog read access to the model, like the live log.
 */
export function runPastLogRoutes(options: {
  httpAuth: HttpAuthService;
  runs: RunsService;
}) {
  const { httpAuth, runs } = options;
  const router = Router();
  router.get('/runs/:namespace/:name/pods/:pod/past-logs', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const p = parseInput(
      z.object({ namespace: entityNamePart, name: entityNamePart }),
      { namespace: req.params.namespace, name: req.params.name },
      'model path',
    );
    const { pod } = parseInput(
      z.object({ pod: dnsName }),
      { pod: req.params.pod },
      'pod name',
    );
    const q = parseInput(pastLogQuery, req.query, 'query string');
    if (!runs.pastLogs)
      throw new ServiceUnavailableError(PAST_LOGS_NOT_CONFIGURED);
    res.json(
      await runs.pastLogs(
        { kind: 'model', ...p },
        {
          pod,
          container: q.container,
          text: q.q || undefined,
          limit: q.limit ?? 500,
          start: q.start,
          end: q.end,
        },
        credentials,
      ),
    );
  });
  return router;
}
