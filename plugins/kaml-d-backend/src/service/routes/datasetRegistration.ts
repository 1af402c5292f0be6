import { HttpAuthService } from '@backstage/backend-plugin-api';
import Router from 'express-promise-router';
import { z } from 'zod';
import { DatasetRegistrationService } from '../../services/DatasetRegistration';
import { parseInput } from './validation';

const registerBody = z.object({
  name: z.string().min(1).max(63),
  location: z.string().min(1).max(1024),
  format: z.string().max(32).optional(),
  owner: z.string().max(255).optional(),
  description: z.string().max(2000).optional(),
  tags: z.array(z.string().max(63)).max(20).optional(),
  system: z.string().max(255).optional(),
  lifecycle: z.string().max(63).optional(),
});

/**
 * `POST /datasets/register`: registers a folder already in storage as a Dataset (users only:
 * the dataset is owned by, and the permission checked for, a person).
 */
export function datasetRegistrationRoutes(options: {
  httpAuth: HttpAuthService;
  registration: DatasetRegistrationService;
}) {
  const { httpAuth, registration } = options;
  const router = Router();
  router.post('/datasets/register', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const body = parseInput(registerBody, req.body, 'request body');
    res.status(201).json(await registration.register(body, credentials));
  });
  return router;
}
