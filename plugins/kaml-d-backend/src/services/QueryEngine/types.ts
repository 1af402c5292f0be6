import { DatasetSource, QueryEngine } from '@kaml-d/plugin-kaml-d-node';
import { QueryConfig } from './config';

/** The configured query engines and the rule that picks one. */
export interface QueryEngineService {
  readonly config: QueryConfig;
  readonly engines: QueryEngine[];
  /**
   * The engine for a set of sources: the default engine when it reads them all, otherwise the
   * first that does (trino:// tables go to Trino). InputError when none reads them all.
   */
  engineFor(sources: DatasetSource[]): QueryEngine;
}
