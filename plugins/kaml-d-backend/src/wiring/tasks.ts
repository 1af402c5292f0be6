import {
  AuthService,
  LoggerService,
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  createDemoSeeder,
  readDemoSeedConfig,
  scheduleDemoSeed,
} from '../services/DemoSeed';
import { KamlDServices } from './createServices';

/**
 * The background work of the KAML-D backend, through the scheduler so that one replica at a
 * time runs each task: snapshot crash recovery, the orphaned VolumeSnapshot sweep, access-grant
 * expiry and, in the embedded demo only, the demo seed.
 */
export async function scheduleKamlDTasks(options: {
  config: RootConfigService;
  scheduler: SchedulerService;
  logger: LoggerService;
  auth: AuthService;
  services: KamlDServices;
}): Promise<void> {
  const { config, scheduler, logger, auth, services } = options;
  // sweep pending snapshots and roll forward killed restores, at start and every few minutes
  await scheduler.scheduleTask({
    id: 'kaml-d-snapshot-recovery',
    frequency: { minutes: 5 },
    timeout: { minutes: 30 },
    initialDelay: { seconds: 5 },
    fn: async () => {
      await services.snapshots.recover(5 * 60 * 1000);
    },
  });
  // VolumeSnapshots labelled as KAML-D's that nothing accounts for (kamlD.volumes.orphans)
  await scheduler.scheduleTask({
    id: 'kaml-d-volume-snapshot-orphans',
    frequency: { hours: 1 },
    timeout: { minutes: 10 },
    initialDelay: { minutes: 2 },
    fn: async () => {
      const orphans = await services.snapshots.sweepVolumeOrphans(
        await auth.getOwnServiceCredentials(),
      );
      for (const o of orphans) {
        logger.warn(
          `Orphaned VolumeSnapshot ${o.namespace}/${o.name}${
            o.entityRef ? ` of ${o.entityRef}` : ''
          }: ${o.reason} (${o.action})`,
        );
      }
    },
  });
  // grants expire by the clock; the task only tidies the status column
  await scheduler.scheduleTask({
    id: 'kaml-d-access-request-expiry',
    frequency: { minutes: 15 },
    timeout: { minutes: 5 },
    initialDelay: { seconds: 30 },
    fn: async () => {
      const expired = await services.accessRequests.markExpired();
      if (expired > 0) {
        logger.info(`Marked ${expired} access requests as expired`);
      }
    },
  });
  // the embedded demo only (kamlD.demo.seed, off unless enabled): snapshots of the demo
  // datasets and versions of the demo models, through the same services as the routes
  const demoSeed = readDemoSeedConfig(config);
  if (demoSeed) {
    await scheduleDemoSeed({
      scheduler,
      file: demoSeed.file,
      logger,
      seeder: createDemoSeeder({
        snapshots: services.snapshots,
        modelVersions: services.modelVersions,
        logger,
        credentials: () => auth.getOwnServiceCredentials(),
      }),
    });
  }
}
