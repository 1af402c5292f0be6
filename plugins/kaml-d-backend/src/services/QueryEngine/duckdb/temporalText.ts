import {
  DuckDBTypeId,
  DuckDBValueConverter,
  JS,
  JSDuckDBValueConverter,
} from '@duckdb/node-api';

/** Types shown in DuckDB's own text form rather than as JavaScript dates or bigints. */
const TEXT_TYPES: ReadonlySet<DuckDBTypeId> = new Set([
  DuckDBTypeId.DATE,
  DuckDBTypeId.TIME,
  DuckDBTypeId.TIME_NS,
  DuckDBTypeId.TIME_TZ,
  DuckDBTypeId.TIMESTAMP,
  DuckDBTypeId.TIMESTAMP_S,
  DuckDBTypeId.TIMESTAMP_MS,
  DuckDBTypeId.TIMESTAMP_NS,
  DuckDBTypeId.TIMESTAMP_TZ,
]);

/**
 * DuckDB's value converter to JavaScript, except that dates and times keep the text form SQL
 * shows them in, the one profiles (`CAST(… AS VARCHAR)`) and Trino answer with too: a DATE is
 * `2024-01-02` (not midnight UTC of that day), a TIMESTAMP `2024-01-02 10:11:12.5` (no zone,
 * as stored), a TIMESTAMPTZ `2024-01-02 08:11:12+00` (in UTC, the zone written), a TIME
 * `10:11:12` (not microseconds). Lists and structs of them convert the same way.
 */
export const temporalTextConverter: DuckDBValueConverter<JS> = (
  value,
  type,
  converter,
) => {
  if (TEXT_TYPES.has(type.typeId)) {
    return value === null ? null : String(value);
  }
  return JSDuckDBValueConverter(value, type, converter);
};
