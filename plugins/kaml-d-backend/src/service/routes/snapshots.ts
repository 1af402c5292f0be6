import { HttpAuthService } from '@backstage/backend-plugin-api';
import { NotImplementedError } from '@backstage/errors';
import { DatasetSnapshotModelVersion } from '@kaml-d/plugin-kaml-d-common';
import Router from 'express-promise-router';
import { z } from 'zod';
import { ModelVersionsService } from '../../services/ModelVersions';
import {
  SNAPSHOT_ID_PATTERN,
  SnapshotsService,
} from '../../services/Snapshots';
import { datasetRef, parseInput } from './validation';

const snapshotId = z
  .string()
  .regex(
    SNAPSHOT_ID_PATTERN,
    'must be a snapshot id such as snap-20261126t070102z-3f9a1c',
  );

const createBody = z
  .object({ message: z.string().trim().min(1).max(2000) })
  .strict();

const restoreBody = z
  .object({
    message: z.string().trim().max(2000).optional(),
    // pvc:// datasets: the new claim's name (validated as a Kubernetes name by the service)
    claimName: z.string().trim().min(1).max(253).optional(),
  })
  .strict();

const listQuery = z.object({
  include: z
    .enum(['models'], {
      errorMap: () => ({ message: 'must be models, or left out' }),
    })
    .optional(),
});

const diffQuery = z.object({
  from: snapshotId,
  to: z.union([z.literal('current'), snapshotId]).default('current'),
});

/**
 * Dataset snapshots: list, take, diff, read a manifest, restore, delete (volume snapshots).
 * Taking and reading need the dataset's read permission (`kaml-d.dataset.preview`); restoring
 * and deleting need `kaml-d.dataset.snapshot.restore`. A take of a `pvc://` dataset answers
 * 202 with the snapshot `pending`; it turns `complete` once its VolumeSnapshot is readyToUse. `GET …/snapshots?include=models` adds to each snapshot the
 * model versions trained on it (those the caller sees in the catalog), one answer for the
 * whole timeline.
 */
export function snapshotRoutes(options: {
  httpAuth: HttpAuthService;
  snapshots: SnapshotsService;
  modelVersions?: ModelVersionsService;
}) {
  const { httpAuth, snapshots, modelVersions } = options;
  const router = Router();

  router.get('/datasets/:namespace/:name/snapshots', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const ref = datasetRef(req.params);
    const { include } = parseInput(listQuery, req.query, 'query string');
    const entityRef = `dataset:${ref.namespace}/${ref.name}`;
    if (include !== 'models') {
      res.json({ entityRef, items: await snapshots.list(ref, credentials) });
      return;
    }
    if (!modelVersions) {
      throw new NotImplementedError(
        'This backend keeps no model versions; list the snapshots without include=models.',
      );
    }
    // both at once; the list's refusal (no read permission) is the answer when it fails
    const [items, models] = await Promise.all([
      snapshots.list(ref, credentials),
      modelVersions.trainedOnSnapshots(ref, credentials).then(
        found => ({ found }),
        (error: Error) => ({ error }),
      ),
    ]);
    if ('error' in models) throw models.error;
    const byId: Map<string, DatasetSnapshotModelVersion[]> = models.found;
    res.json({
      entityRef,
      items: items.map(s => ({ ...s, models: byId.get(s.id) ?? [] })),
    });
  });

  router.post('/datasets/:namespace/:name/snapshots', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const ref = datasetRef(req.params);
    const body = parseInput(createBody, req.body ?? {}, 'body');
    const snapshot = await snapshots.create(ref, body, credentials);
    // a volume snapshot is accepted pending and settles once readyToUse (poll the list)
    res.status(snapshot.state === 'pending' ? 202 : 201).json(snapshot);
  });

  router.get('/datasets/:namespace/:name/snapshots/diff', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const ref = datasetRef(req.params);
    const { from, to } = parseInput(diffQuery, req.query, 'query string');
    res.json(await snapshots.diff(ref, from, to, credentials));
  });

  router.get('/datasets/:namespace/:name/snapshots/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const ref = datasetRef(req.params);
    const id = parseInput(snapshotId, req.params.id, 'snapshot id');
    res.json(await snapshots.get(ref, id, credentials));
  });

  router.delete(
    '/datasets/:namespace/:name/snapshots/:id',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const ref = datasetRef(req.params);
      const id = parseInput(snapshotId, req.params.id, 'snapshot id');
      await snapshots.delete(ref, id, credentials);
      res.status(204).end();
    },
  );

  router.post(
    '/datasets/:namespace/:name/snapshots/:id/restore',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const ref = datasetRef(req.params);
      const id = parseInput(snapshotId, req.params.id, 'snapshot id');
      const body = parseInput(restoreBody, req.body ?? {}, 'body');
      res.json(await snapshots.restore(ref, id, body, credentials));
    },
  );

  return router;
}
