export { createQueryEngineService } from './createQueryEngineService';
export type { QueryEngineService } from './types';
export { readQueryConfig } from './config';
export type { QueryConfig, TrinoEngineConfig } from './config';
export { guardSql, tokenize, MAX_SQL_LENGTH } from './sqlGuard';
export { DuckDBQueryEngine } from './duckdb/DuckDBQueryEngine';
export { TrinoQueryEngine } from './trino/TrinoQueryEngine';
export {
  assembleHistogram,
  binIndex,
  isNumericType,
  nullShare,
} from './profileMath';
