export interface Config {
  /** Configuration of the KAML-D plugins. */
  kamlD?: {
    /**
     * Name shown in the Workbench header.
     * @visibility frontend
     */
    title?: string;
  };
}
