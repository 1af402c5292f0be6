export {
  inferDelimitedSchema,
  inferJsonLinesSchema,
  inferObjectSchema,
  formatOfObjects,
  formatOfKey,
} from './inferSchema';
export type { InferredColumn, InferredSchema } from './inferSchema';
export { parseParquetFooter } from './parquetFooter';
export type { ParquetColumn, ParquetFooter } from './parquetFooter';
