import { HttpAuthService } from '@backstage/backend-plugin-api';
import { Response } from 'express';
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

/** Rows serialised per turn of the event loop. */
const ROWS_PER_WRITE = 200;

/**
 * Sends a result as JSON a few rows at a time, yielding to the event loop between writes and
 * waiting for the socket to drain, so a result of megabytes never blocks other requests (the
 * readiness probe included) for the whole of its serialisation.
 */
async function sendStreamed<T extends { rows: unknown[] }>(
  res: Response,
  result: T,
) {
  const { rows, ...rest } = result;
  res.status(200).type('application/json');
  const head = JSON.stringify(rest);
  res.write(`${head.slice(0, -1)}${head.length > 2 ? ',' : ''}"rows":[`);
  for (let i = 0; i < rows.length && !res.destroyed; i += ROWS_PER_WRITE) {
    const part = rows
      .slice(i, i + ROWS_PER_WRITE)
      .map(row => JSON.stringify(row))
      .join(',');
    const flushed = res.write(i === 0 ? part : `,${part}`);
    await new Promise<void>(resolve => {
      if (flushed) {
        setImmediate(resolve);
        return;
      }
      // a client that goes away never drains: stop waiting then too
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.once('drain', done);
      res.once('close', done);
    });
  }
  res.end(']}');
}

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
      await sendStreamed(res, await datasets.query(sql, limit, credentials));
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
