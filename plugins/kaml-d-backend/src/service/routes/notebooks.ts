import { HttpAuthService } from '@backstage/backend-plugin-api';
import Router from 'express-promise-router';
import { z } from 'zod';
import { NotebooksService } from '../../services/Notebooks';
import { SNAPSHOT_ID_PATTERN } from '../../services/Snapshots';
import { datasetParams, datasetRef, parseInput } from './validation';

const openDatasetBody = z
  .object({
    snapshot: z
      .string()
      .regex(
        SNAPSHOT_ID_PATTERN,
        'must be a snapshot id such as snap-20261126t070102z-3f9a1c',
      )
      .optional(),
  })
  .strict();

const openVersionBody = z
  .object({
    dataset: z
      .string()
      .regex(
        /^dataset:[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/,
        'must be a dataset entity ref such as dataset:default/finance-transactions',
      )
      .optional(),
  })
  .strict();

/** A named server as JupyterHub allows it: no slash, no leading dot; the default has no name. */
const serverParams = z
  .object({
    server: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9._~-]{0,254}$/,
        'must be a server name such as gpu (letters, digits, ., _, ~ or -)',
      ),
  })
  .strict();

const versionParams = datasetParams.extend({
  version: z
    .string()
    .regex(/^\d{1,9}$/, 'must be a version number such as 3')
    .transform(Number)
    .refine(n => n > 0, 'must be at least 1'),
});

/**
 * Notebooks in JupyterHub: open a starter notebook for a dataset (or a snapshot of it) or for the
 * snapshot a model version was trained on, list the caller's servers and stop one of them. Signed-in users only:
 * the notebook opens in the caller's own hub server. Reading the data needs the dataset's read
 * permission (`kaml-d.dataset.preview`), checked as for a preview.
 */
export function notebookRoutes(options: {
  httpAuth: HttpAuthService;
  notebooks: NotebooksService;
}) {
  const { httpAuth, notebooks } = options;
  const router = Router();

  router.get('/notebooks/servers', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json(await notebooks.listServers(credentials));
  });

  // the caller's own servers only: the hub user comes from the credentials, never the request
  router.delete('/notebooks/server', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json(await notebooks.stopServer(credentials, ''));
  });

  router.delete('/notebooks/servers/:server', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { server } = parseInput(serverParams, req.params, 'server name');
    res.json(await notebooks.stopServer(credentials, server));
  });

  router.post('/datasets/:namespace/:name/notebook', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const ref = datasetRef(req.params);
    const { snapshot } = parseInput(
      openDatasetBody,
      req.body ?? {},
      'request body',
    );
    res.json(await notebooks.openDataset(ref, credentials, snapshot));
  });

  router.post(
    '/models/:namespace/:name/versions/:version/notebook',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      const { namespace, name, version } = parseInput(
        versionParams,
        req.params,
        'model version path',
      );
      const { dataset } = parseInput(
        openVersionBody,
        req.body ?? {},
        'request body',
      );
      res.json(
        await notebooks.openModelVersion(
          { kind: 'model', namespace, name },
          version,
          credentials,
          dataset,
        ),
      );
    },
  );

  return router;
}
