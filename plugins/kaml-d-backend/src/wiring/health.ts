import { RootConfigService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { createHealthService } from '../services/HealthService';
import { NotebooksService } from '../services/Notebooks';
import { QueryEngineService } from '../services/QueryEngine';
import { StorageService } from '../services/Storage';
import { KAML_D_BACKEND_VERSION } from '../version';

/**
 * The backend's health answer: one probe per dependency (database, storage, each query engine,
 * JupyterHub when notebooks are configured), so a lost dependency is named while the backend
 * stays up.
 */
export function createBackendHealth(options: {
  config: RootConfigService;
  db: Knex;
  storage: StorageService;
  engines: QueryEngineService;
  notebooks?: NotebooksService;
}) {
  const { config, db, storage, engines, notebooks } = options;
  return createHealthService({
    version: KAML_D_BACKEND_VERSION,
    timeoutMs: config.getOptionalNumber('kamlD.health.probeTimeoutMs'),
    probes: [
      {
        name: 'database',
        kind: db.client.config.client as string,
        check: async () => {
          await db.raw('select 1');
        },
      },
      {
        name: 'storage',
        kind: storage.defaultAdapter.type,
        check: () => storage.check(),
      },
      ...engines.engines.map(engine => ({
        name:
          engines.engines.length > 1
            ? `query-engine:${engine.id}`
            : 'query-engine',
        kind: engine.id,
        check: () => engine.check(),
      })),
      ...(notebooks
        ? [
            {
              name: 'notebooks',
              kind: 'jupyterhub',
              check: () => notebooks.check(),
            },
          ]
        : []),
    ],
  });
}
