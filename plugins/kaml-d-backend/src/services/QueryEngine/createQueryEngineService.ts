import { InputError } from '@backstage/errors';
import { QueryEngine } from '@kaml-d/plugin-kaml-d-node';
import { QueryConfig } from './config';
import { DuckDBQueryEngine } from './duckdb/DuckDBQueryEngine';
import { TrinoQueryEngine } from './trino/TrinoQueryEngine';
import { QueryEngineService } from './types';

/** Builds DuckDB, Trino (when configured) and the engines added by modules. */
export function createQueryEngineService(options: {
  config: QueryConfig;
  extraEngines?: QueryEngine[];
}): QueryEngineService {
  const { config } = options;
  const byId = new Map<string, QueryEngine>();
  byId.set('duckdb', new DuckDBQueryEngine(config.duckdb));
  if (config.trino) byId.set('trino', new TrinoQueryEngine(config.trino));
  for (const engine of options.extraEngines ?? []) byId.set(engine.id, engine);
  const preferred = byId.get(config.defaultEngine);
  if (!preferred) {
    throw new Error(
      `kamlD.query.defaultEngine is "${
        config.defaultEngine
      }" but no such engine is installed; use one of ${[...byId.keys()].join(
        ', ',
      )}`,
    );
  }
  const engines = [
    preferred,
    ...[...byId.values()].filter(e => e !== preferred),
  ];

  return {
    config,
    engines,
    engineFor(sources) {
      const engine = engines.find(e => sources.every(s => e.canRead(s)));
      if (engine) return engine;
      const kinds = sources.map(
        s => `"${s.name}" (${s.kind === 'table' ? 'a Trino table' : 'files'})`,
      );
      throw new InputError(
        `No query engine reads all of ${kinds.join(
          ', ',
        )} together; query Trino tables and stored files in separate statements${
          config.trino ? '' : ', or configure kamlD.query.trino'
        }.`,
      );
    },
  };
}
