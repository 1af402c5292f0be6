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
     */
    kubernetes?: {
      /** API server URL, such as `https://kubernetes.example.com:6443`. */
      url: string;
      /**
       * Bearer token of the portal's ServiceAccount.
       * @visibility secret
       */
      token: string;
      /** Path of the PEM file of the API server's certificate authority. */
      caFile?: string;
      /**
       * PEM (or base64 of the PEM) of the API server's certificate authority, instead of `caFile`.
       * @visibility secret
       */
      caData?: string;
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
