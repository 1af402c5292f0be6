import { HttpAuthService } from '@backstage/backend-plugin-api';
import Router from 'express-promise-router';
import { z } from 'zod';
import { TrainingRuntimesService } from '../../services/TrainingRuntimes';
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

/**
 * `GET /runs/:namespace/:name/training-runtimes`: the Kubeflow Trainer v2 runtimes a TrainJob
 * of the model may run on — the cluster's ClusterTrainingRuntimes and the TrainingRuntimes of
 * the model's training namespace — for the training template's runtime picker. Needs
 * `kaml-d.model.train` on the model.
 */
export function trainingRuntimeRoutes(options: {
  httpAuth: HttpAuthService;
  runtimes: TrainingRuntimesService;
}) {
  const { httpAuth, runtimes } = options;
  const router = Router();
  router.get('/runs/:namespace/:name/training-runtimes', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const p = parseInput(modelParams, req.params, 'model path');
    res.json(await runtimes.list({ kind: 'model', ...p }, credentials));
  });
  return router;
}
