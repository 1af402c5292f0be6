import { HttpAuthService } from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import { HealthService } from '../services/HealthService';

/** Everything the router needs; built once in the plugin's init. */
export interface RouterOptions {
  httpAuth: HttpAuthService;
  health: HealthService;
}

/**
 * The KAML-D HTTP API. Every route requires a signed-in user or a service token (the
 * framework's default auth policy; nothing here opts out of it).
 */
export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const { httpAuth, health } = options;
  const router = Router();
  router.use(express.json({ limit: '1mb' }));

  router.get('/health', async (req, res) => {
    // resolves the caller; rejects anything but a user or a service
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const report = await health.check();
    res.status(report.status === 'ok' ? 200 : 503).json(report);
  });

  return router;
}
