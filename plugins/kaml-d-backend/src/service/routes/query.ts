import { HttpAuthService } from '@backstage/backend-plugin-api';
import Router from 'express-promise-router';
import { z } from 'zod';
import { DatasetsService } from '../../services/Datasets';
import { QueryQueueFullError } from '../../services/QueryEngine/gate';
import { parseInput } from './validation';

const queryBody = z.object({
  sql: z
    .string()
    .min(1, 'write a statement such as SELECT * FROM "my-dataset"'),
  limit: z.number().int().positive().optional(),
});

/** `POST /query`: one read-only statement over datasets. */
export function queryRoutes(options: {
  httpAuth: HttpAuthService;
  datasets: Pick<DatasetsService, 'query'>;
}) {
  const { httpAuth, datasets } = options;
  const router = Router();
  router.post('/query', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const { sql, limit } = parseInput(queryBody, req.body, 'request body');
    try {
      res.json(await datasets.query(sql, limit, credentials));
    } catch (error) {
      if (!(error instanceof QueryQueueFullError)) throw error;
      // too many queries at once: 429 with a time to retry after, in Backstage's error shape
      res
        .status(429)
        .set('Retry-After', String(error.retryAfterSeconds))
        .json({
          error: { name: 'TooManyRequestsError', message: error.message },
          request: { method: req.method, url: req.originalUrl },
          response: { statusCode: 429 },
        });
    }
  });
  return router;
}
