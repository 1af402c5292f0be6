import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  search?: {
    collators?: {
      /** The KAML-D dataset and model collators (documents of type `kaml-d-dataset` and `kaml-d-model`). */
      kamlDDataset?: {
        /**
         * How often datasets and models are re-indexed.
         * @default every 10 minutes, 15 minutes timeout, first 10 seconds after start
         */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      };
    };
  };
}
