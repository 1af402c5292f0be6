export interface Config {
  /** Configuration of the KAML-D plugins. */
  kamlD?: {
    /** Demo content for the embedded portal (scripts/start.sh); leave it out elsewhere. */
    demo?: {
      /**
       * Loads the seed scripts/demo-data/models.ts writes: a snapshot of each demo training
       * dataset and the demo models' versions pinned to it, with a `production` alias. Runs
       * through the scheduler, once per start, and never registers a version twice.
       */
      seed?: {
        /** @default false */
        enabled?: boolean;
        /** The seed file (JSON) written by scripts/demo-data/models.ts. */
        file?: string;
      };
    };

    /**
     * Notebooks in JupyterHub: "Open in notebook" on datasets and model versions, the Notebooks
     * card. Left out: no notebook routes, no buttons. See docs/notebooks.md.
     */
    notebooks?: {
      jupyterhub?: {
        /** The hub as the backend reaches it, such as `http://jupyterhub:8000`. */
        url: string;
        /** The hub as browsers reach it (JupyterLab links); default: `url`. */
        publicUrl?: string;
        /**
         * API token of the hub service KAML-D runs as; its role needs the scopes
         * `admin:users`, `admin:servers`, `access:servers` and `read:users`.
         * @visibility secret
         */
        token: string;
      };
    };

    /** Dataset snapshots and restores. */
    snapshots?: {
      /**
       * Objects copied (S3 CopyObject into the snapshot folder of an unversioned bucket), hard-linked
       * (file store) or put back by a restore at once. None of their bytes pass through the
       * backend, so this can be far higher than a transfer's; from 1 to 1024.
       * @default 64
       */
      copyConcurrency?: number;
    };

    /** Datasets on PersistentVolumeClaims (`pvc://`), versioned as CSI VolumeSnapshots. */
    volumes?: {
      /**
       * The name of the `kamlD.kubernetes` cluster in `pvc://<cluster>/<namespace>/<claim>`.
       * @default kaml-d
       */
      cluster?: string;
      /** VolumeSnapshotClass of new snapshots; left out, the cluster's default class. */
      snapshotClass?: string;
      /**
       * What the hourly sweep does with VolumeSnapshots labelled as KAML-D's that no snapshot
       * record accounts for or whose dataset left the catalog: `report` (log) or `delete`.
       * @default report
       */
      orphans?: 'report' | 'delete';
    };

    /** The health answer (`GET /api/kaml-d/health`, the readiness probe). */
    health?: {
      /**
       * Milliseconds each dependency (database, storage, query engines, JupyterHub) may take to
       * answer before it is reported down; a DuckDB probe starts a sandbox process.
       * @default 3000
       */
      probeTimeoutMs?: number;
    };

    /** Query engines: schema, preview, profile and read-only SQL over datasets. */
    query?: {
      /**
       * Engine for datasets in object storage: `duckdb` (embedded) or the `id` of an engine a
       * module adds. `trino://` datasets always go to Trino, whatever this says.
       * @default duckdb
       */
      defaultEngine?: string;
      /**
       * Rows a preview returns at most (and by default); from 1 to 1000.
       * @default 100
       */
      previewMaxRows?: number;
      /**
       * Previews of data that did not change come from Backstage's cache service, keyed by the
       * objects' keys, sizes, ETags and modification times (or the snapshot id), and identical
       * previews at the same time share one read. Trino tables are never cached.
       */
      previewCache?: {
        /** @default true */
        enabled?: boolean;
      };
      /**
       * Rows a SQL query returns at most (and by default); from 1 to 10000.
       * @default 1000
       */
      queryMaxRows?: number;
      /**
       * Time an engine may spend on one operation before it is stopped, in seconds.
       * @default 30
       */
      timeoutSeconds?: number;
      /** Most frequent values a column profile returns. @default 10 */
      profileTopValues?: number;
      /** Bars of the histogram of a numeric column. @default 20 */
      profileHistogramBins?: number;
      /**
       * Bytes of values one result (query, preview, profile) may hold, from 1 to 1073741824; a
       * larger result is refused with a message saying how to narrow the query.
       * @default 16777216
       */
      maxResultBytes?: number;
      /**
       * Engine operations (query, preview, profile, schema) one backend runs at once. Each
       * DuckDB operation holds up to one chunk of its result (2048 rows) in native memory.
       * @default 2
       */
      maxConcurrent?: number;
      /**
       * Operations that wait for a free slot; when the queue is full a query is answered 429
       * with Retry-After (0: no queue).
       * @default 16
       */
      queueSize?: number;
      /**
       * Longest wait for a free slot, in seconds, before the operation is refused (429).
       * @default 30
       */
      queueTimeoutSeconds?: number;
      /** The embedded DuckDB engine. */
      duckdb?: {
        /**
         * Local folder where objects of remote stores are cached for DuckDB (by bucket, key and ETag).
         * @default <system temp folder>/kaml-d-duckdb-cache
         */
        cacheDir?: string;
        /**
         * Bytes of one dataset DuckDB copies from a remote store; larger datasets need Trino.
         * @default 2147483648
         */
        maxDownloadBytes?: number;
        /**
         * Bytes read from the start of a CSV, TSV or JSON file in a remote store to read its
         * schema (Parquet files: only their footer is read; local files are read in place).
         * @default 4194304
         */
        schemaSampleBytes?: number;
        /** Worker threads of each DuckDB instance. @default 2 */
        threads?: number;
        /**
         * Memory limit of each DuckDB instance, such as `1GB` (DuckDB's buffer manager: joins,
         * sorts, aggregates; not the list and string values a statement builds).
         * @default 1GB
         */
        memoryLimit?: string;
        /**
         * Data limit of each DuckDB sandbox process (Linux RLIMIT_DATA), such as `1536MB`:
         * every statement runs in a separate process under it, so whatever DuckDB allocates
         * fails there with an out-of-memory error instead of growing the backend. Must exceed
         * `memoryLimit` by at least 256MiB. The backend runs `kamlD.query.maxConcurrent` such
         * processes at most.
         * @default 1536MB
         */
        processMemoryLimit?: string;
      };
      /** Trino (over its client protocol), for `trino://catalog/schema/table` datasets. */
      trino?: {
        /** Coordinator URL, such as `http://trino:8080`. */
        server: string;
        /** Default catalog, such as `hive`. */
        catalog: string;
        /** Default schema, such as `kaml`. */
        schema: string;
        /**
         * User the backend connects as. Make it read-only in Trino itself: file-based access
         * control allowing it SELECT on the dataset catalogs/schemas only, no system catalog, no
         * procedures, no other catalogs (see charts/kaml-d `trino.accessControl` and
         * e2e/rig/config/trino/rules.json.in). Trino must authenticate it (password or JWT):
         * without authentication Trino believes any user name a client sends.
         * @default kaml-d
         */
        user?: string;
        /**
         * Password of that user (basic authentication over https).
         * @visibility secret
         */
        password?: string;
        /**
         * Memory one query may use across the cluster (Trino data size such as `512MB`), sent
         * as the `query_max_memory` and `query_max_total_memory` session properties (Trino keeps
         * the lower of this and its own `query.max-memory`).
         * @default 1GB
         */
        maxMemory?: string;
      };
    };
    /**
     * The Observation Hub: health of Models, Datasets and inference services from Kubernetes
     * and Prometheus. Left out, the Health tab explains what to configure.
     */
    observation?: {
      /** Kubernetes clusters whose Deployments, pods, Jobs and events are read. */
      kubernetes?: {
        /**
         * Deprecated, removed in the next release: configure the clusters for the Kubernetes
         * plugin (`kubernetes.clusterLocatorMethods`) and list them in `kamlD.clusters`. Read with
         * a warning, besides those clusters.
         * @deprecated use kubernetes.clusterLocatorMethods and kamlD.clusters
         */
        clusters?: Array<{
          /** Name shown beside what was read from the cluster. */
          name: string;
          /** API server URL, such as `https://kubernetes.example.com:6443`. */
          url: string;
          /**
           * Bearer token of a service account allowed to get/list pods, events, deployments and jobs.
           * @visibility secret
           */
          token?: string;
          /** Path of the PEM CA bundle that signed the API server's certificate. */
          caFile?: string;
          /**
           * The CA bundle itself, base64-encoded PEM.
           * @visibility secret
           */
          caData?: string;
          /**
           * Skip verification of the API server's certificate (tests only).
           * @default false
           */
          skipTLSVerify?: boolean;
        }>;
        /**
         * With no clusters listed, read the cluster the backend runs in through its service account.
         * @default true
         */
        inCluster?: boolean;
        /** Custom resources read beside the built-in kinds and judged by their `status.conditions`. */
        customResources?: Array<{
          /** API group, such as `serving.kserve.io`. */
          group: string;
          /** API version, such as `v1beta1`. */
          version: string;
          /** Plural resource name, such as `inferenceservices`. */
          plural: string;
        }>;
      };
      /** Prometheus instances queried for the charts and the firing alerts. */
      prometheus?: Array<{
        /** Name shown beside the series and alerts it answered. */
        name: string;
        /** Base URL, such as `http://prometheus:9090`. */
        url: string;
      }>;
      /**
       * Install-wide replacements of the preset queries, by panel (`requestRate`, `latency`,
       * `errorRatio`, `gpuUtil`, `gpuMemory`, `cpu`, `memory`, `trainingLoss`, `trainingEpoch`).
       * Placeholders `{{selector}}`, `{{errorSelector}}`, `{{podSelector}}` and `{{window}}` are
       * filled with escaped matchers built from the entity's annotations. An entity overrides one
       * panel with the annotation `kaml-d.io/promql-<panel>`, which runs verbatim with the
       * portal's Prometheus access: it is honoured only on entities whose origin location
       * (`backstage.io/managed-by-origin-location`, written by the catalog) is listed in
       * `kamlD.bindings.trustedOrigins`. On any other entity it is ignored, the panel shows this
       * install query or the preset, and the answer's `errors` says why.
       */
      queries?: { [panel: string]: string };
      /**
       * Deep links shown on the Health tab (Grafana dashboards, Jaeger traces, log views). The
       * `url` may use `{{id}}` (the kubernetes id), `{{namespace}}`, `{{name}}` and `{{kind}}`,
       * filled URL-encoded, such as
       * `https://grafana.example.com/d/kaml-model?var-model={{id}}&var-namespace={{namespace}}`.
       * @visibility frontend
       */
      links?: Array<{
        /** Text of the link, such as `Grafana dashboard`. */
        title: string;
        /** URL template. */
        url: string;
      }>;
      /**
       * Log tools: Logs buttons per workload and run (Grafana Explore with Loki, Kibana or
       * OpenSearch Dashboards Discover), and the store the Runs tab searches for past logs
       * (Loki, else Elasticsearch/OpenSearch). See docs/observability.md.
       */
      logs?: {
        /** Grafana with a Loki data source (Explore links). */
        grafana?: {
          /** Base URL, such as `https://grafana.example.com`. */
          url: string;
          /** UID of the Loki data source. */
          datasource: string;
        };
        /** Kibana (Discover links). */
        kibana?: {
          /** Base URL, such as `https://kibana.example.com` (with its base path, if any). */
          url: string;
          /** Id of the data view of the logs. */
          dataView: string;
        };
        /** OpenSearch Dashboards 2.10+ (Discover links). */
        opensearchDashboards?: {
          /** Base URL. */
          url: string;
          /** Id of the index pattern of the logs. */
          indexPattern: string;
        };
        /** Loki's HTTP API, searched for past logs of finished or deleted pods. */
        loki?: {
          /** Base URL, such as `http://loki-gateway.monitoring:80`. */
          url: string;
          /** Tenant sent as `X-Scope-OrgID` (multi-tenant Loki). */
          tenant?: string;
        };
        /** Elasticsearch or OpenSearch, searched for past logs when no Loki is configured. */
        elasticsearch?: {
          /** Base URL, such as `https://elasticsearch:9200`. */
          url: string;
          /** Index or pattern, such as `logs-*` (comma-separated for several). */
          index: string;
          /**
           * API key (Elasticsearch), sent as `Authorization: ApiKey`.
           * @visibility secret
           */
          apiKey?: string;
          /** User for basic authentication (OpenSearch, Elasticsearch). */
          username?: string;
          /**
           * Password for basic authentication.
           * @visibility secret
           */
          password?: string;
        };
        /**
         * Document fields of the logs in Elasticsearch/OpenSearch (search and Kibana queries).
         * Defaults are ECS (Filebeat, Elastic Agent).
         */
        fields?: {
          /** @default kubernetes.namespace */
          namespace?: string;
          /** @default kubernetes.pod.name */
          pod?: string;
          /** @default kubernetes.container.name */
          container?: string;
          /** @default message */
          message?: string;
          /** @default @timestamp */
          timestamp?: string;
        };
        /** Loki label names of the namespace, pod and container. */
        labels?: {
          /** @default namespace */
          namespace?: string;
          /** @default pod */
          pod?: string;
          /** @default container */
          container?: string;
        };
      };
      /**
       * Trace tools: Traces buttons searching the entity's service (annotation
       * `kaml-d.io/trace-service`, else its kubernetes id) over the window.
       */
      traces?: {
        /** Jaeger UI (search page). */
        jaeger?: {
          /** Base URL, such as `https://jaeger.example.com`. */
          url: string;
        };
        /** Grafana with a Tempo data source (Explore with TraceQL). */
        grafana?: {
          /** Base URL. */
          url: string;
          /** UID of the Tempo data source. */
          datasource: string;
        };
      };
      /**
       * How long an answer is reused, in seconds.
       * @default 30
       */
      cacheSeconds?: number;
      /**
       * Time limit of each Prometheus, Loki and Elasticsearch request, in milliseconds.
       * @default 10000
       */
      timeoutMs?: number;
      /**
       * Warning events younger than this are shown, in minutes.
       * @default 60
       */
      eventMaxAgeMinutes?: number;
    };
  };
}
