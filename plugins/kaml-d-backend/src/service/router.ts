import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import { HealthService } from '../services/HealthService';
import { DatasetsService, SchemaReader } from '../services/Datasets';
import { StorageService } from '../services/Storage';
import { ObservationService } from '../services/Observation';
import { datasetRoutes } from './routes/datasets';
import { locationSchemaRoutes } from './routes/locationSchema';
import { queryRoutes } from './routes/query';
import { storageRoutes } from './routes/storage';
import { observationRoutes } from './routes/observation';
import { runsRoutes } from './routes/runs';
import { runPastLogRoutes } from './routes/runPastLogs';
import { RunsService } from '../services/Runs';
import { auditRoutes } from './routes/audit';
import { AuditLogService } from '../services/Audit';
import { SnapshotsService } from '../services/Snapshots';
import { snapshotRoutes } from './routes/snapshots';
import { ModelVersionsService } from '../services/ModelVersions';
import { modelVersionRoutes } from './routes/modelVersions';
import { AccessRequestsService } from '../services/AccessRequests';
import { accessRequestRoutes } from './routes/accessRequests';
import { DatasetRegistrationService } from '../services/DatasetRegistration';
import { datasetRegistrationRoutes } from './routes/datasetRegistration';
import { NotebooksService } from '../services/Notebooks';
import { notebookRoutes } from './routes/notebooks';
import { TrainingRuntimesService } from '../services/TrainingRuntimes';
import { trainingRuntimeRoutes } from './routes/trainingRuntimes';

/** Everything the router needs; built once in the plugin's init. */
export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  audit: AuditLogService;
  health: HealthService;
  datasets: DatasetsService;
  storage: StorageService;
  observation: ObservationService;
  /** Runs and Deployments tabs of models; their routes are left out when absent. */
  runs?: RunsService;
  /** Registration of storage folders as datasets; its route is left out when absent. */
  registration?: DatasetRegistrationService;
  /** Dataset snapshots; their routes are left out when absent. */
  snapshots?: SnapshotsService;
  /** Model versions and aliases; their routes are left out when absent. */
  modelVersions?: ModelVersionsService;
  /** Requests for access to datasets; their routes are left out when absent. */
  accessRequests?: AccessRequestsService;
  /** The engines' schema reader, for the catalog's schema route; left out when absent. */
  schemas?: SchemaReader;
  /** Starter notebooks in JupyterHub (`kamlD.notebooks`); their routes are left out when absent. */
  notebooks?: NotebooksService;
  /** Kubeflow Trainer v2 runtimes of the cluster (the template's picker); left out when absent. */
  trainingRuntimes?: TrainingRuntimesService;
}

/**
 * The KAML-D HTTP API. Every route requires a signed-in user or a service token (the
 * framework's default auth policy), except the signed download route, whose signature is the
 * credential (see plugin.ts).
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const {
    httpAuth,
    permissions,
    audit,
    health,
    datasets,
    storage,
    observation,
  } = options;
  const router = Router();
  router.use(express.json({ limit: '1mb' }));

  router.get('/health', async (req, res) => {
    // resolves the caller; rejects anything but a user or a service
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const report = await health.check();
    res.status(report.status === 'ok' ? 200 : 503).json(report);
  });

  router.use(datasetRoutes({ httpAuth, datasets }));
  if (options.schemas) {
    router.use(locationSchemaRoutes({ httpAuth, schemas: options.schemas }));
  }
  if (options.registration) {
    router.use(
      datasetRegistrationRoutes({
        httpAuth,
        registration: options.registration,
      }),
    );
  }
  router.use(queryRoutes({ httpAuth, datasets }));
  router.use(storageRoutes({ httpAuth, storage }));
  router.use(observationRoutes({ httpAuth, observation }));
  if (options.runs) router.use(runsRoutes({ httpAuth, runs: options.runs }));
  if (options.runs) {
    router.use(runPastLogRoutes({ httpAuth, runs: options.runs }));
  }
  router.use(auditRoutes({ httpAuth, permissions, audit }));
  if (options.snapshots) {
    router.use(
      snapshotRoutes({
        httpAuth,
        snapshots: options.snapshots,
        modelVersions: options.modelVersions,
      }),
    );
  }
  if (options.modelVersions) {
    router.use(
      modelVersionRoutes({
        httpAuth,
        modelVersions: options.modelVersions,
        runs: options.runs,
      }),
    );
  }
  if (options.accessRequests) {
    router.use(
      accessRequestRoutes({
        httpAuth,
        accessRequests: options.accessRequests,
      }),
    );
  }
  if (options.notebooks) {
    router.use(notebookRoutes({ httpAuth, notebooks: options.notebooks }));
  }
  if (options.trainingRuntimes) {
    router.use(
      trainingRuntimeRoutes({ httpAuth, runtimes: options.trainingRuntimes }),
    );
  }

  return router;
}
