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
  };
}
