import { createApiRef } from '@backstage/frontend-plugin-api';
import { HealthResponse } from '@kaml-d/plugin-kaml-d-common';

/**
 * A catalog file entry that failed processing: a Dataset whose `spec.format` is unknown, a Model
 * without an owner, and so on. The catalog keeps it out of the catalog until it is fixed.
 *
 * @public
 */
export interface CatalogProblem {
  /** `kind:namespace/name` as written in the file. */
  entityRef: string;
  kind: string;
  /** Where the file was read from. */
  location?: string;
  /** What the catalog said, naming the offending field. */
  messages: string[];
}

/**
 * Client of the KAML-D backend (`/api/kaml-d`).
 *
 * @public
 */
export interface KamlDApi {
  getHealth(): Promise<HealthResponse>;
  /** Entities the catalog could not process, with their errors (needs the catalog's unprocessed-entities module). */
  getCatalogProblems(): Promise<CatalogProblem[]>;
}

/** @public */
export const kamlDApiRef = createApiRef<KamlDApi>({ id: 'plugin.kaml-d.api' });
