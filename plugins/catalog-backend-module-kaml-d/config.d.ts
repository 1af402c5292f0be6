import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  /** KAML-D settings shared by the catalog module and the KAML-D backend. */
  kamlD?: {
    /**
     * Who may bind a Dataset to storage. A Dataset's `spec.location` (a folder `s3://…`,
     * `file://…` or a table `trino://catalog/schema/table`) is bound to it only when an admin
     * mapping names it, its catalog origin is trusted, or KAML-D discovery emitted it for the
     * folder or table it found (uploads and registrations arrive that way). One location, one
     * Dataset: precedence is mapping, then trusted origin, then discovery, then the entity ref
     * that sorts first. The catalog rejects every other Dataset that claims a location (naming
     * the rightful dataset and owner), and the KAML-D backend serves no data of one.
     * @visibility backend
     */
    bindings?: {
      /**
       * Catalog locations whose entities an admin vouches for: their Datasets bind the
       * locations they name, and their entities may carry fields that act with the portal's
       * authority (such as verbatim `kaml-d.io/promql-*` queries). Compared with the entity's
       * `backstage.io/managed-by-origin-location`, which the catalog writes: the location that
       * was registered (for `catalog.locations`, the entry itself; `file` targets are resolved
       * against the backend's working directory as the catalog resolves them). Everything a
       * trusted location references is trusted too. Locations registered through the catalog
       * API or UI and template output are never trusted unless listed here.
       * @visibility backend
       */
      trustedOrigins?: Array<{
        /** Location type, such as `file` or `url`. */
        type: string;
        /** Location target, as in `catalog.locations`. */
        target: string;
      }>;
      /**
       * Admin bindings of one location to one Dataset, which take precedence over trusted
       * origins and discovery. Mappings may not overlap each other.
       * @visibility backend
       */
      mappings?: Array<{
        /** The Dataset, such as `dataset:default/ledger` (kind and namespace may be left out). */
        entityRef: string;
        /** The folder or table, such as `s3://warehouse/finance/ledger/` or `trino://hive/finance/ledger`. */
        location: string;
        /** The owner the Dataset must name, such as `group:default/finance`; otherwise it is rejected. */
        owner: string;
        /** When set, the Dataset must also come from this catalog location. */
        origin?: {
          type: string;
          target: string;
        };
      }>;
    };
  };
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
           * Apply changes in the store within seconds: a file watcher for the file store,
           * MinIO's bucket notifications for S3 (AWS S3 has no such API: full scans only).
           * The full scan stays the safety net.
           * @default true
           */
          watchChanges?: boolean;
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
