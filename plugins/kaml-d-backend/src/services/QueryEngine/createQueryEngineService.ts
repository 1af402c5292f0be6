import { InputError } from '@backstage/errors';
import { QueryEngine } from '@kaml-d/plugin-kaml-d-node';
import { QueryConfig } from './config';
import { DuckDBQueryEngine } from './duckdb/DuckDBQueryEngine';
import { QueryGate } from './gate';
import { TrinoQueryEngine } from './trino/TrinoQueryEngine';
import { QueryEngineService } from './types';

/** `engine` with every read going through `gate`, so a backend runs a bounded number at once. */
function gated(engine: QueryEngine, gate: QueryGate): QueryEngine {
  return {
    id: engine.id,
    canRead: source => engine.canRead(source),
    schema: (source, limits) => gate.run(() => engine.schema(source, limits)),
    preview: (source, limits) => gate.run(() => engine.preview(source, limits)),
    profile: (source, column, options) =>
      gate.run(() => engine.profile(source, column, options)),
    ...(engine.summarize
      ? {
          summarize: (source, columns, options) =>
            gate.run(() => engine.summarize!(source, columns, options)),
        }
      : {}),
    query: (statement, sources, limits) =>
      gate.run(() => engine.query(statement, sources, limits)),
    check: () => engine.check(),
    close: async () => {
      await engine.close?.();
    },
  };
}

/**
 * Builds DuckDB, Trino (when configured) and the engines added by modules; all of them share
 * one {@link QueryGate} (`kamlD.query.maxConcurrent`, `queueSize`, `queueTimeoutSeconds`).
 */
export function createQueryEngineService(options: {
  config: QueryConfig;
  extraEngines?: QueryEngine[];
}): QueryEngineService {
  const { config } = options;
  const byId = new Map<string, QueryEngine>();
  byId.set(
    'duckdb',
    new DuckDBQueryEngine(config.duckdb, {
      maxResultBytes: config.maxResultBytes,
      // the gate lets this many engine operations run at once: one worker thread for each
      workers: config.maxConcurrent,
    }),
  );
  if (config.trino) {
    byId.set(
      'trino',
      new TrinoQueryEngine(config.trino, {
        maxResultBytes: config.maxResultBytes,
      }),
    );
  }
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
  const gate = new QueryGate(config);
  const engines = [
    preferred,
    ...[...byId.values()].filter(e => e !== preferred),
  ].map(engine => gated(engine, gate));

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
