import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  catalog?: {
    providers?: {
      /** KAML-D dataset discovery. */
      kamlD?: {
        /**
         * Object-store discovery: each folder directly under the location is one Dataset. The
         * store is the one configured under `kamlD.storage` (the `file` or `s3` adapter), so
         * uploads and discovery read the same buckets.
         */
        objectStore?: Array<{
          /** Provider id; the provider is named `kaml-d-object-store:<id>`. */
          id: string;
          /** Parent of the dataset folders, such as `s3://kaml-datasets/` (or set bucket and prefix). */
          location?: string;
          /** Bucket of the dataset folders, when `location` is not set. */
          bucket?: string;
          /**
           * Folder inside the bucket whose sub-folders are datasets.
           * @default the bucket root
           */
          prefix?: string;
          /**
           * Owner of datasets without a manifest that names one.
           * @default unknown
           */
          owner?: string;
          /**
           * Lifecycle of datasets without a manifest that names one.
           * @default experimental
           */
          lifecycle?: string;
          /** System of discovered datasets. */
          system?: string;
          /**
           * Dataset folders listed and read at once.
           * @default 16
           */
          concurrency?: number;
          /**
           * Full scans.
           * @default every 30 minutes, 10 minutes timeout, first 15 seconds after start
           */
          schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        }>;
        /** Trino discovery: every table of the listed schemas becomes a Dataset. */
        trino?: Array<{
          /** Provider id; the provider is named `kaml-d-trino:<id>`. */
          id: string;
          /** Coordinator URL, such as `http://trino:8080`. */
          server: string;
          /** Trino catalog to read, such as `hive`. */
          catalog: string;
          /** Schemas to read; every schema of the catalog when absent (one more query). */
          schemas?: string[];
          /**
           * User the provider connects as (give it read-only access).
           * @default kaml-d
           */
          user?: string;
          /**
           * Password of that user (basic authentication over https).
           * @visibility secret
           */
          password?: string;
          /**
           * Owner of discovered tables.
           * @default unknown
           */
          owner?: string;
          /**
           * Lifecycle of discovered tables.
           * @default experimental
           */
          lifecycle?: string;
          /** System of discovered tables. */
          system?: string;
          /**
           * Seconds one information_schema query may run.
           * @default 60
           */
          queryTimeoutSeconds?: number;
          /**
           * Full scans.
           * @default every 30 minutes, 10 minutes timeout, first 15 seconds after start
           */
          schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        }>;
      };
    };
  };
}
