import { createApiRef } from '@backstage/frontend-plugin-api';
import {
  NotebookServersResponse,
  OpenNotebookResponse,
} from '@kaml-d/plugin-kaml-d-common';
import { DatasetName } from './KamlDApi';

/**
 * Starter notebooks in JupyterHub and the signed-in user's servers there.
 *
 * @public
 */
export interface KamlDNotebooksApi {
  /** The user's servers; `undefined` when the backend has no `kamlD.notebooks` configured. */
  getServers(): Promise<NotebookServersResponse | undefined>;
  /**
   * Stops one of the user's own servers (`''`: the default one); answers their servers after.
   */
  stopServer(server: string): Promise<NotebookServersResponse>;
  /** Whether notebooks are configured (answered once, then remembered). */
  isEnabled(): Promise<boolean>;
  /** Writes a notebook loading the dataset (or a snapshot of it) into the user's server. */
  openDataset(
    dataset: DatasetName,
    snapshot?: string,
  ): Promise<OpenNotebookResponse>;
  /** The same for the snapshot a model version was trained on. */
  openModelVersion(
    model: DatasetName,
    version: number,
    dataset?: string,
  ): Promise<OpenNotebookResponse>;
}

/**
 * The notebooks API of the KAML-D plugin.
 *
 * @public
 */
export const kamlDNotebooksApiRef = createApiRef<KamlDNotebooksApi>({
  id: 'plugin.kaml-d.notebooks',
});
