import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  search?: {
    collators?: {
      /** The KAML-D dataset collator (documents of type `kaml-d-dataset`). */
      kamlDDataset?: {
        /**
         * How often datasets are re-indexed.
         * @default every 10 minutes, 15 minutes timeout, first 10 seconds after start
         */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      };
    };
  };
}
