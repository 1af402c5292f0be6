import { HttpAuthService } from '@backstage/backend-plugin-api';
import Router from 'express-promise-router';
import { z } from 'zod';
import { DatasetsService } from '../../services/Datasets';
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
  datasets: DatasetsService;
}) {
  const { httpAuth, datasets } = options;
  const router = Router();
  router.post('/query', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const { sql, limit } = parseInput(queryBody, req.body, 'request body');
    res.json(await datasets.query(sql, limit, credentials));
  });
  return router;
}
