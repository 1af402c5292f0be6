import { HttpAuthService } from '@backstage/backend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import Router from 'express-promise-router';
import { RegisterModelVersionRequest } from '@kaml-d/plugin-kaml-d-common';
import { z } from 'zod';
import {
  deploymentLineage,
  ModelVersionsService,
} from '../../services/ModelVersions';
import { RunsService } from '../../services/Runs';
import {
  datasetRef,
  datasetParams,
  jsonObject,
  parseInput,
} from './validation';

const modelParams = datasetParams;

function modelRef(params: unknown): CompoundEntityRef {
  const { namespace, name } = parseInput(modelParams, params, 'model path');
  return { kind: 'model', namespace, name };
}

const versionNumber = z
  .string()
  .regex(/^\d{1,9}$/, 'must be a version number such as 3')
  .transform(Number)
  .refine(n => n > 0, 'must be at least 1');

/** s3://, file://, http(s):// or a relative path without `..` segments. */
const artifactUri = z
  .string()
  .min(1)
  .max(2048)
  .refine(
    v =>
      /^(s3:\/\/[a-z0-9][a-z0-9.-]{1,62}\/\S+|file:\/\/\/\S+|https?:\/\/[^\s/]+\/?\S*)$/i.test(
        v,
      ) ||
      (/^[A-Za-z0-9_.][^\s:]*$/.test(v) && !v.split('/').includes('..')),
    'must be an s3://bucket/key, file:///path, http(s):// URL or a relative path without ".."',
  );

const entityPart = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be letters, digits, -, _ or .');

const registerBody = z
  .object({
    description: z.string().max(4000).optional(),
    artifactUri,
    artifactDigest: z
      .string()
      .regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256:<64 hex digits>')
      .optional(),
    metrics: z
      .record(
        z.string().min(1).max(128),
        z.number().finite('must be a finite number'),
      )
      .refine(m => Object.keys(m).length <= 200, 'at most 200 metrics')
      .optional(),
    parameters: jsonObject
      .refine(
        p => JSON.stringify(p).length <= 64 * 1024,
        'must be at most 64 KiB as JSON',
      )
      .optional(),
    trainedOn: z
      .array(
        z
          .object({
            datasetRef: z.string().min(1).max(512),
            snapshotId: z
              .string()
              .min(1)
              .max(64)
              .regex(/^[A-Za-z0-9._-]+$/, 'must be a snapshot id'),
          })
          .strict(),
      )
      .max(50)
      .optional(),
    run: z
      .object({
        cluster: entityPart.optional(),
        namespace: entityPart,
        name: entityPart,
        kind: z.string().min(1).max(63).optional(),
        taskId: z.string().min(1).max(128).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const compareQuery = z.object({
  versions: z
    .string()
    .regex(
      /^\d{1,9}(,\d{1,9}){0,19}$/,
      'must be 1 to 20 comma-separated version numbers such as 1,2',
    )
    .transform(v => [...new Set(v.split(',').map(Number))]),
});

const listQuery = z.object({
  include: z
    .enum(['deployments'], {
      errorMap: () => ({ message: 'must be deployments, or left out' }),
    })
    .optional(),
});

const promoteBody = z
  .object({ version: z.number().int().positive('must be at least 1') })
  .strict();

/**
 * Model versions: register, list, compare, promote an alias; and the lineage from a dataset
 * snapshot to the model versions trained on it. `GET …/versions?include=deployments` adds the
 * model's serving Deployments with the version each serves (read through `runs`, which checks
 * the caller's catalog access to the model like the Deployments tab).
 */
export function modelVersionRoutes(options: {
  httpAuth: HttpAuthService;
  modelVersions: ModelVersionsService;
  runs?: RunsService;
}) {
  const { httpAuth, modelVersions, runs } = options;
  const router = Router();
  const allow = { allow: ['user', 'service'] as Array<'user' | 'service'> };

  router.get('/models/:namespace/:name/versions', async (req, res) => {
    const credentials = await httpAuth.credentials(req, allow);
    const model = modelRef(req.params);
    const { include } = parseInput(listQuery, req.query, 'query string');
    if (include !== 'deployments') {
      res.json(await modelVersions.list(model, credentials));
      return;
    }
    // both at once; an error of the list (unknown model, no access) is the answer's error
    const [list, cluster] = await Promise.all([
      modelVersions.list(model, credentials),
      runs
        ? runs.runs(model, credentials).catch((error: Error) => ({
            deployments: [],
            error: `Could not read the deployments: ${error.message}`,
          }))
        : {
            deployments: [],
            error: 'This backend reads no Kubernetes cluster for models.',
          },
    ]);
    res.json({ ...list, ...deploymentLineage(list.items, cluster) });
  });

  router.post('/models/:namespace/:name/versions', async (req, res) => {
    const credentials = await httpAuth.credentials(req, allow);
    const model = modelRef(req.params);
    const body = parseInput(registerBody, req.body, 'model version');
    res
      .status(201)
      .json(
        await modelVersions.register(
          model,
          body as RegisterModelVersionRequest,
          credentials,
        ),
      );
  });

  router.get('/models/:namespace/:name/versions/compare', async (req, res) => {
    const credentials = await httpAuth.credentials(req, allow);
    const model = modelRef(req.params);
    const { versions } = parseInput(compareQuery, req.query, 'query');
    res.json(await modelVersions.compare(model, versions, credentials));
  });

  router.get('/models/:namespace/:name/versions/:version', async (req, res) => {
    const credentials = await httpAuth.credentials(req, allow);
    const model = modelRef({
      namespace: req.params.namespace,
      name: req.params.name,
    });
    const version = parseInput(versionNumber, req.params.version, 'version');
    res.json(await modelVersions.get(model, version, credentials));
  });

  router.put('/models/:namespace/:name/aliases/:alias', async (req, res) => {
    const credentials = await httpAuth.credentials(req, allow);
    const model = modelRef({
      namespace: req.params.namespace,
      name: req.params.name,
    });
    const { version } = parseInput(promoteBody, req.body, 'alias');
    res.json(
      await modelVersions.promote(
        model,
        req.params.alias,
        version,
        credentials,
      ),
    );
  });

  router.get(
    '/datasets/:namespace/:name/snapshots/:id/models',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, allow);
      const dataset = datasetRef({
        namespace: req.params.namespace,
        name: req.params.name,
      });
      const id = parseInput(
        z
          .string()
          .max(64)
          .regex(/^[A-Za-z0-9._-]+$/, 'must be a snapshot id'),
        req.params.id,
        'snapshot id',
      );
      const items = await modelVersions.trainedOnSnapshot(
        dataset,
        id,
        credentials,
      );
      res.json({ items });
    },
  );

  return router;
}
