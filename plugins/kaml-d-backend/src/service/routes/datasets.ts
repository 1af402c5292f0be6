import { HttpAuthService } from '@backstage/backend-plugin-api';
import Router from 'express-promise-router';
import { z } from 'zod';
import { DatasetsService } from '../../services/Datasets';
import {
  SUMMARY_PAGE_DEFAULT,
  SUMMARY_PAGE_MAX,
} from '../../services/Datasets/profileSummary';
import { SNAPSHOT_ID_PATTERN } from '../../services/Snapshots/ids';
import { datasetRef, parseInput, queryInteger } from './validation';

/** `?snapshot=<id>`: read a snapshot of the dataset instead of its current objects. */
const snapshotParam = z
  .string()
  .regex(
    SNAPSHOT_ID_PATTERN,
    'must be a snapshot id such as snap-20261126t070102z-3f9a1c',
  )
  .optional();
const schemaQuery = z.object({ snapshot: snapshotParam });
const previewQuery = z.object({
  limit: queryInteger.optional(),
  snapshot: snapshotParam,
});
const profileQuery = z.object({
  column: z.string().min(1).max(255),
  snapshot: snapshotParam,
});
/** `?offset=`: 0 or more, unlike the counts `queryInteger` reads. */
const offsetParam = z
  .string()
  .regex(/^\d{1,7}$/, 'must be a whole number, 0 or more')
  .transform(Number);
const summaryQuery = z.object({
  offset: offsetParam.optional(),
  limit: queryInteger
    .refine(
      n => n <= SUMMARY_PAGE_MAX,
      `must be at most ${SUMMARY_PAGE_MAX} columns`,
    )
    .optional(),
  search: z.string().max(255).optional(),
  snapshot: snapshotParam,
});
const objectsQuery = z.object({
  folder: z.string().min(1).max(1024).optional(),
});
const downloadQuery = z.object({ key: z.string().min(1).max(1024) });
const rescanBody = z.object({
  entityRef: z.string().min(1).max(512).optional(),
});

/**
 * Dataset routes: schema, preview, profile and its summary of every column (now or at
 * `?snapshot=<id>`), object listing,
 * download links and upload.
 */
export function datasetRoutes(options: {
  httpAuth: HttpAuthService;
  datasets: DatasetsService;
}) {
  const { httpAuth, datasets } = options;
  const router = Router();

  router.post('/datasets/upload', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const result = await datasets.upload(
      { headers: req.headers, body: req },
      credentials,
    );
    res.status(201).json(result);
  });

  router.post('/datasets/rescan', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { entityRef } = parseInput(rescanBody, req.body ?? {}, 'body');
    res.status(202).json(await datasets.rescan(entityRef, credentials));
  });

  router.get('/datasets/:namespace/:name/schema', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const ref = datasetRef(req.params);
    const { snapshot } = parseInput(schemaQuery, req.query, 'query string');
    res.json(await datasets.schema(ref, credentials, snapshot));
  });

  router.get('/datasets/:namespace/:name/preview', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const ref = datasetRef(req.params);
    const { limit, snapshot } = parseInput(
      previewQuery,
      req.query,
      'query string',
    );
    res.json(await datasets.preview(ref, limit, credentials, snapshot));
  });

  router.get('/datasets/:namespace/:name/row-count', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json(await datasets.rowCount(datasetRef(req.params), credentials));
  });

  router.get('/datasets/:namespace/:name/profile', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const ref = datasetRef(req.params);
    const { column, snapshot } = parseInput(
      profileQuery,
      req.query,
      'query string',
    );
    res.json(await datasets.profile(ref, column, credentials, snapshot));
  });

  router.get('/datasets/:namespace/:name/profile/summary', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const ref = datasetRef(req.params);
    const { offset, limit, search, snapshot } = parseInput(
      summaryQuery,
      req.query,
      'query string',
    );
    const page = {
      offset: offset ?? 0,
      limit: limit ?? SUMMARY_PAGE_DEFAULT,
      ...(search?.trim() ? { search: search.trim() } : {}),
    };
    res.json(await datasets.profileSummary(ref, page, credentials, snapshot));
  });

  router.get('/datasets/:namespace/:name/objects', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const ref = datasetRef(req.params);
    const { folder } = parseInput(objectsQuery, req.query, 'query string');
    res.json(await datasets.listObjects(ref, folder, credentials));
  });

  router.get('/datasets/:namespace/:name/download', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const ref = datasetRef(req.params);
    const { key } = parseInput(downloadQuery, req.query, 'query string');
    res.json(await datasets.downloadLink(ref, key, credentials));
  });

  return router;
}
