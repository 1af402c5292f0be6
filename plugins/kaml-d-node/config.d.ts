/*
 * The object store is configured once, here in the node library, because every KAML-D backend
 * package reads it: the backend plugin (preview, uploads, snapshots, download links) and the
 * catalog module (discovery) both build their storage adapters from `kamlD.storage`.
 */
export interface Config {
  /** Configuration of the KAML-D plugins. */
  kamlD?: {
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
  };
}
