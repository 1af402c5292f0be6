/*
 * The object store and the Kubernetes clusters are configured once, here in the node library,
 * because every KAML-D backend package reads them: the backend plugin (preview, uploads,
 * snapshots, download links, Runs, Health), the catalog module (discovery) and the scaffolder
 * module (training and deploy actions).
 */
export interface Config {
  /** Configuration of the KAML-D plugins. */
  kamlD?: {
    /**
     * The cluster KAML-D runs workloads on: the name of a cluster configured for Backstage's
     * Kubernetes plugin (`kubernetes.clusterLocatorMethods`, type `config`, `authProvider:
     * serviceAccount`; its `serviceAccountToken`, else the pod's mounted token). The scaffolder
     * actions create training Jobs and model Deployments there, the Runs and Deployments tabs read
     * it and PersistentVolumeClaim datasets are snapshotted there. Without it (and without the
     * deprecated `kamlD.kubernetes`) those features say what to configure.
     */
    workloadCluster?: string;
    /**
     * KAML-D's options of the Kubernetes plugin's clusters, keyed by cluster name. The
     * Observation Hub reads every cluster listed here and the workload cluster.
     */
    clusters?: {
      [name: string]: {
        /**
         * Namespace of training Jobs.
         * @default kaml-d-training
         */
        trainingNamespace?: string;
        /**
         * Namespace of model Deployments, Services and InferenceServices.
         * @default kaml-d-models
         */
        modelsNamespace?: string;
        /**
         * Whether the Observation Hub (Health tab, SRE page) reads this cluster.
         * @default true
         */
        observe?: boolean;
      };
    };
    /** Object storage of datasets: where `s3://` and `file://` locations are read and uploads go. */
    storage?: {
      /**
       * Adapter that serves `s3://bucket/prefix/` locations: `file` (a local directory, the
       * embedded default), `s3` (MinIO, Ceph RGW, AWS S3 through the `minio` client) or the
       * `type` of an adapter a backend module adds through `kamlDStorageExtensionPoint`.
       * @default file
       */
      adapter?: string;
      /**
       * Bucket uploads are written to (`<uploadBucket>/<dataset-name>/`); also measured by the
       * storage summary.
       * @default kaml-datasets
       */
      uploadBucket?: string;
      /** More buckets the storage summary measures, besides the upload bucket. */
      summaryBuckets?: string[];
      /**
       * Capacity of the store in bytes; the storage summary reports the share used. Left out, the
       * summary gives no percentage.
       */
      capacityBytes?: number;
      /**
       * Listings in flight at once when summarising a prefix.
       * @default 16
       */
      listConcurrency?: number;
      /**
       * Lifetime of download links, in seconds.
       * @default 900
       */
      downloadLinkTtlSeconds?: number;
      /**
       * How long a storage summary is reused (shared by all replicas through the cache), in seconds.
       * @default 60
       */
      summaryCacheSeconds?: number;
      /**
       * Largest file one upload accepts, in bytes.
       * @default 5368709120
       */
      maxUploadBytes?: number;
      /** The `file` adapter: one sub-folder per bucket under a root directory. */
      file?: {
        /**
         * Root directory; `s3://kaml-datasets/x/` maps to `<root>/kaml-datasets/x/`, and
         * `file://` locations must lie below it.
         * @default $KAML_DATA_DIR/storage (./data/storage when KAML_DATA_DIR is unset)
         */
        root?: string;
        /**
         * Secret that signs the download links of the file adapter. Left out, a random secret is
         * created once in the plugin's database and shared by every replica.
         * @visibility secret
         */
        signingSecret?: string;
      };
      /** The `s3` adapter. Required when `adapter` is `s3`. */
      s3?: {
        /** Endpoint URL, such as `https://s3.eu-west-1.amazonaws.com` or `http://minio:9000`. */
        endpoint: string;
        /**
         * Region sent with requests.
         * @default us-east-1
         */
        region?: string;
        /**
         * Access key id.
         * @visibility secret
         */
        accessKeyId: string;
        /**
         * Secret access key.
         * @visibility secret
         */
        secretAccessKey: string;
        /**
         * Address buckets as a path (`endpoint/bucket/key`), as MinIO and Ceph expect; set false for
         * virtual-host style.
         * @default true
         */
        pathStyle?: boolean;
      };
    };
    /**
     * Deprecated, removed in the next release: use `kamlD.workloadCluster` (the cluster in
     * `kubernetes.clusterLocatorMethods`) and `kamlD.clusters.<name>` (its namespaces). Read
     * with a warning when set; not together with `kamlD.workloadCluster`. Set exactly one way of
     * reaching the cluster: `url` + `token`, `kubeconfig`, `inCluster` or `cluster`.
     * @deprecated use kamlD.workloadCluster and kamlD.clusters
     */
    kubernetes?: {
      /** API server URL, such as `https://kubernetes.example.com:6443` (with `token`). */
      url?: string;
      /**
       * Bearer token of the portal's ServiceAccount (with `url`).
       * @visibility secret
       */
      token?: string;
      /** Path of the PEM file of the API server's certificate authority (with `url`). */
      caFile?: string;
      /**
       * PEM (or base64 of the PEM) of the API server's certificate authority, instead of `caFile`.
       * @visibility secret
       */
      caData?: string;
      /** Skip TLS verification of the API server (with `url`; never in production). */
      skipTLSVerify?: boolean;
      /**
       * A kubeconfig file: `true` for `$KUBECONFIG` or `~/.kube/config`, a file path, or the
       * path and one of its contexts (default: the file's current context).
       */
      kubeconfig?:
        | boolean
        | string
        | {
            path?: string;
            context?: string;
          };
      /**
       * Use the service account of the pod the backend runs in (its token and CA mounted under
       * /var/run/secrets/kubernetes.io/serviceaccount, the API server from
       * KUBERNETES_SERVICE_HOST/PORT). Grant it the RBAC in the module README.
       */
      inCluster?: boolean;
      /**
       * The name of a cluster configured for the Kubernetes plugin
       * (`kubernetes.clusterLocatorMethods`, type `config`, `authProvider: serviceAccount`
       * with `serviceAccountToken`), so one cluster entry serves both.
       */
      cluster?: string;
      /**
       * Namespace of training Jobs.
       * @default kaml-d-training
       */
      trainingNamespace?: string;
      /**
       * Namespace of model Deployments, Services and InferenceServices.
       * @default kaml-d-models
       */
      modelsNamespace?: string;
    };
  };
}
