import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createDemoSeeder } from './createDemoSeeder';
import { readDemoSeed } from './seedFile';

/** Id of the scheduler task that loads the demo seed. */
export const DEMO_SEED_TASK_ID = 'kaml-d-demo-seed';

/**
 * Loads the demo seed through the scheduler: one replica at a time (a global task), soon after
 * start and again every 30 seconds until every model and dataset of the seed was in the catalog
 * and seeded; after that a run of this replica does nothing. Another replica's first run finds
 * everything seeded and registers nothing.
 */
export async function scheduleDemoSeed(options: {
  scheduler: SchedulerService;
  file: string;
  seeder: ReturnType<typeof createDemoSeeder>;
  logger: LoggerService;
}) {
  const { scheduler, file, seeder, logger } = options;
  let done = false;
  await scheduler.scheduleTask({
    id: DEMO_SEED_TASK_ID,
    frequency: { seconds: 30 },
    timeout: { minutes: 10 },
    initialDelay: { seconds: 10 },
    fn: async () => {
      if (done) return;
      let seed;
      try {
        seed = await readDemoSeed(file);
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        // a missing or broken file does not heal by itself: say so once and stop
        logger.warn(error.message);
        done = true;
        return;
      }
      const result = await seeder.run(seed);
      done = result.waiting.length === 0;
      if (result.registered.length > 0 || result.promoted.length > 0) {
        logger.info(
          `Demo seed from ${file}: ${
            Object.keys(result.snapshots).length
          } snapshots taken, versions ${
            result.registered.join(', ') || 'none'
          } registered, aliases ${result.promoted.join(', ') || 'none'} set`,
        );
      }
    },
  });
}
