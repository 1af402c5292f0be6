import { HttpAuthService } from '@backstage/backend-plugin-api';
import Router from 'express-promise-router';
import { z } from 'zod';
import { ObservationService } from '../../services/Observation';
import { parseInput } from './validation';

const entityNamePart = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be letters, digits, -, _ or .');

const observationParams = z.object({
  namespace: entityNamePart,
  kind: z
    .string()
    .transform(kind => kind.toLocaleLowerCase('en-US'))
    .pipe(z.enum(['model', 'dataset', 'component', 'api'])),
  name: entityNamePart,
});
const observationQuery = z.object({
  range: z
    .string()
    .regex(/^\d{1,4}[mhd]$/, 'must be minutes, hours or days such as 15m, 1h, 7d')
    .optional(),
});

/** Observation Hub routes: the health of one entity from Kubernetes and Prometheus. */
export function observationRoutes(options: {
  httpAuth: HttpAuthService;
  observation: ObservationService;
}) {
  const { httpAuth, observation } = options;
  const router = Router();

  router.get('/observation/sre', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json(await observation.overview(credentials));
  });

  router.get('/observation/:namespace/:kind/:name', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const ref = parseInput(observationParams, req.params, 'entity path');
    const { range } = parseInput(observationQuery, req.query, 'query string');
    res.json(await observation.observe(ref, range ?? '1h', credentials));
  });

  return router;
}
