import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';

/** Columns of a Dataset's data as its query engine reads them. */
export interface EngineSchema {
  /** The engine that read them, such as `duckdb`. */
  engine: string;
  columns: Array<{ name: string; type: string }>;
}

/** Reads the schema of the data at a Dataset location (see {@link createEngineSchemaClient}). */
export type EngineSchemaReader = (
  location: string,
  format: string,
) => Promise<EngineSchema>;

/**
 * Asks the KAML-D backend's query engine for the schema of a location, with the catalog's own
 * service token (the route accepts no other caller): the catalog stores the columns the Schema
 * tab reads, from the same engine, instead of reading file headers itself.
 */
export function createEngineSchemaClient(options: {
  discovery: DiscoveryService;
  auth: AuthService;
}): EngineSchemaReader {
  const { discovery, auth } = options;
  return async (location, format) => {
    const base = await discovery.getBaseUrl('kaml-d');
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: 'kaml-d',
    });
    const response = await fetch(`${base}/internal/location-schema`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ location, format }),
    });
    if (!response.ok) throw await ResponseError.fromResponse(response);
    const body = (await response.json()) as EngineSchema;
    if (!Array.isArray(body.columns) || typeof body.engine !== 'string') {
      throw new Error(`The KAML-D backend answered no schema for ${location}`);
    }
    return body;
  };
}
