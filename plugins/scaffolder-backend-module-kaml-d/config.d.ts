export interface Config {
  kamlD?: {
    /**
     * Where the `kaml-d:publish:local` action creates project Git repositories (one folder per
     * project, for installs without a reachable Git host), and the only folder the catalog may
     * read `file:` locations from (the local projects UrlReader). The portal needs write access to
     * it. Default: `<KAML_DATA_DIR or ./data>/projects`, relative paths from the backend's
     * working directory.
     */
    localProjects?: {
      /** Folder of the local project repositories. */
      root?: string;
    };
    /**
     * The Kubernetes cluster the KAML-D scaffolder actions (`kaml-d:training:*`, `kaml-d:model:*`)
     * create training Jobs and model Deployments in. Without this block those actions fail with an
     * error naming these keys; nothing else in the portal needs it.
     *
     * The credentials need only: create/get/list/watch/delete Jobs in `trainingNamespace`;
     * create/get/update/patch Deployments and Services (and HorizontalPodAutoscalers when the
     * `autoscale` input is used, KServe InferenceServices when KServe is installed) in
     * `modelsNamespace`; get/list pods and pods/log in both.
     *
     * The model Runs and Deployments tabs read the same block. Set exactly one way of reaching
     * the cluster: `url` + `token`, `kubeconfig`, `inCluster` or `cluster`.
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
