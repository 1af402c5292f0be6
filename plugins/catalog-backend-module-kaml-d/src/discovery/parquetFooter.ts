import { CompactType, ThriftCompactReader } from './thriftCompact';

/** `PAR1`, at the start and at the end of every Parquet file. */
export const PARQUET_MAGIC = 'PAR1';
/** Footer length (4 bytes, little endian) plus the magic. */
export const PARQUET_TAIL_BYTES = 8;

/** A top-level column of a Parquet file with a SQL-like type name. */
export interface ParquetColumn {
  name: string;
  type: string;
}

/** What the footer says about the file. */
export interface ParquetFooter {
  columns: ParquetColumn[];
  rows?: number;
}

interface SchemaElement {
  name: string;
  physicalType?: number;
  repetition?: number;
  numChildren?: number;
  convertedType?: number;
  scale?: number;
  precision?: number;
  /** Field id of the set member of the LogicalType union. */
  logicalType?: number;
  /** `isAdjustedToUTC` of a TIMESTAMP logical type. */
  adjustedToUtc?: boolean;
  /** `bitWidth`/`isSigned` of an INTEGER logical type. */
  intBits?: number;
  intSigned?: boolean;
}

const PHYSICAL_TYPES: Record<number, string> = {
  0: 'boolean',
  1: 'integer',
  2: 'bigint',
  3: 'timestamp',
  4: 'real',
  5: 'double',
  6: 'varbinary',
  7: 'varbinary',
};

/** Legacy ConvertedType ids (parquet.thrift) that change the SQL type. */
const CONVERTED_TYPES: Record<number, string> = {
  0: 'varchar', // UTF8
  2: 'map', // MAP_KEY_VALUE
  4: 'varchar', // ENUM
  6: 'date',
  7: 'time',
  8: 'time',
  9: 'timestamp',
  10: 'timestamp',
  11: 'integer', // UINT_8
  12: 'integer', // UINT_16
  13: 'bigint', // UINT_32
  14: 'bigint', // UINT_64
  15: 'tinyint',
  16: 'smallint',
  17: 'integer',
  18: 'bigint',
  19: 'json',
  21: 'interval',
};

/**
 * The length of the footer from the last 8 bytes of a Parquet file, or an error when they do not
 * end with the magic.
 */
export function parquetFooterLength(tail: Uint8Array): number {
  if (tail.length < PARQUET_TAIL_BYTES) {
    throw new Error('a Parquet file ends with at least 8 bytes');
  }
  const end = Buffer.from(tail.subarray(tail.length - PARQUET_TAIL_BYTES));
  if (end.toString('latin1', 4, 8) !== PARQUET_MAGIC) {
    throw new Error('the file does not end with the Parquet magic PAR1');
  }
  return end.readUInt32LE(0);
}

/**
 * Parses the footer at the end of `tail` (the last bytes of a Parquet file, holding at least
 * the whole footer, its length and the magic).
 */
export function parseParquetFooter(tail: Uint8Array): ParquetFooter {
  const length = parquetFooterLength(tail);
  const start = tail.length - PARQUET_TAIL_BYTES - length;
  if (start < 0) {
    throw new Error(
      `the Parquet footer is ${length} bytes but only ${
        tail.length - PARQUET_TAIL_BYTES
      } were read`,
    );
  }
  const reader = new ThriftCompactReader(
    tail.subarray(start, tail.length - PARQUET_TAIL_BYTES),
  );
  const schema: SchemaElement[] = [];
  let rows: number | undefined;
  reader.struct((id, type) => {
    if (id === 2 && type === CompactType.LIST) {
      reader.list(() => schema.push(readSchemaElement(reader)));
      return true;
    }
    if (id === 3 && type === CompactType.I64) {
      rows = reader.zigzag();
      return true;
    }
    return false;
  });
  return { columns: topLevelColumns(schema), rows };
}

function readSchemaElement(reader: ThriftCompactReader): SchemaElement {
  const element: SchemaElement = { name: '' };
  reader.struct((id, type) => {
    switch (id) {
      case 1:
        element.physicalType = reader.zigzag();
        return true;
      case 3:
        element.repetition = reader.zigzag();
        return true;
      case 4:
        element.name = reader.string();
        return true;
      case 5:
        element.numChildren = reader.zigzag();
        return true;
      case 6:
        element.convertedType = reader.zigzag();
        return true;
      case 7:
        element.scale = reader.zigzag();
        return true;
      case 8:
        element.precision = reader.zigzag();
        return true;
      case 10:
        if (type !== CompactType.STRUCT) return false;
        readLogicalType(reader, element);
        return true;
      default:
        return false;
    }
  });
  return element;
}

function readLogicalType(
  reader: ThriftCompactReader,
  element: SchemaElement,
): void {
  reader.struct((id, type) => {
    element.logicalType = id;
    if (type !== CompactType.STRUCT) return false;
    if (id === 8) {
      // TimestampType { 1: isAdjustedToUTC, 2: unit }
      reader.struct((field, fieldType) => {
        if (field === 1)
          element.adjustedToUtc = ThriftCompactReader.bool(fieldType);
        return false;
      });
      return true;
    }
    if (id === 10) {
      // IntType { 1: bitWidth (byte), 2: isSigned }
      reader.struct((field, fieldType) => {
        if (field === 1 && fieldType === CompactType.BYTE) {
          element.intBits = reader.zigzag();
          return true;
        }
        if (field === 2)
          element.intSigned = ThriftCompactReader.bool(fieldType);
        return false;
      });
      return true;
    }
    return false;
  });
}

/** The columns directly under the root (nested groups become one `row`/`array`/`map` column). */
function topLevelColumns(schema: SchemaElement[]): ParquetColumn[] {
  if (schema.length === 0) return [];
  const columns: ParquetColumn[] = [];
  let index = 1;
  const rootChildren = schema[0].numChildren ?? 0;
  for (let c = 0; c < rootChildren && index < schema.length; c++) {
    const element = schema[index];
    columns.push({ name: element.name, type: sqlType(element) });
    index = afterSubtree(schema, index);
  }
  return columns;
}

/** Index of the first element after the subtree rooted at `index`. */
function afterSubtree(schema: SchemaElement[], index: number): number {
  let pending = 1;
  let i = index;
  while (pending > 0 && i < schema.length) {
    pending += (schema[i].numChildren ?? 0) - 1;
    i++;
  }
  return i;
}

function sqlType(element: SchemaElement): string {
  const repeated = element.repetition === 2;
  const base = baseType(element);
  return repeated ? `array(${base})` : base;
}

function baseType(element: SchemaElement): string {
  switch (element.logicalType) {
    case 1: // STRING
    case 4: // ENUM
      return 'varchar';
    case 2: // MAP
      return 'map';
    case 3: // LIST
      return 'array';
    case 5: // DECIMAL
      return decimal(element);
    case 6:
      return 'date';
    case 7:
      return 'time';
    case 8:
      return element.adjustedToUtc ? 'timestamp with time zone' : 'timestamp';
    case 10:
      return integer(element.intBits, element.intSigned);
    case 12:
      return 'json';
    case 14:
      return 'uuid';
    default:
      break;
  }
  if (element.convertedType === 5) return decimal(element);
  if (element.convertedType === 3) return 'array';
  if (element.convertedType === 1) return 'map';
  if (element.convertedType !== undefined) {
    const converted = CONVERTED_TYPES[element.convertedType];
    if (converted) return converted;
  }
  if (element.physicalType === undefined) return 'row';
  return PHYSICAL_TYPES[element.physicalType] ?? 'varbinary';
}

function decimal(element: SchemaElement): string {
  return element.precision !== undefined
    ? `decimal(${element.precision},${element.scale ?? 0})`
    : 'decimal';
}

function integer(bits = 32, signed = true): string {
  if (bits <= 8) return signed ? 'tinyint' : 'smallint';
  if (bits <= 16) return signed ? 'smallint' : 'integer';
  if (bits <= 32) return signed ? 'integer' : 'bigint';
  return 'bigint';
}
