import { createApiRef } from '@backstage/frontend-plugin-api';
import { HealthResponse } from '@kaml-d/plugin-kaml-d-common';

/**
 * Client of the KAML-D backend (`/api/kaml-d`).
 *
 * @public
 */
export interface KamlDApi {
  getHealth(): Promise<HealthResponse>;
}

/** @public */
export const kamlDApiRef = createApiRef<KamlDApi>({ id: 'plugin.kaml-d.api' });
