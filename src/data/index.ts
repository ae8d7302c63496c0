/** Data stage: loading files and records into Frames. */

export { convertColumn } from './convert.js';
export { DATA_FORMATS, type DataFormat, detectFormat, FORMAT_BY_EXTENSION } from './format.js';
export {
  BOOL_MISSING,
  type BooleanColumn,
  boolean,
  type CategoricalColumn,
  type Column,
  type ColumnType,
  categorical,
  cellValue,
  columnLength,
  type DatetimeColumn,
  datetime,
  Frame,
  isMissing,
  missingCount,
  type NumericColumn,
  numeric,
  takeColumn,
} from './frame.js';
export { frameFromRecords, type RecordsOptions } from './from-records.js';
export {
  DEFAULT_MISSING_TOKENS,
  inferStringType,
  parseBoolean,
  parseDatetime,
  parseNumber,
} from './infer.js';
export {
  type ColumnReport,
  DataLoader,
  type LoadedData,
  type LoadOptions,
  type LoadReport,
} from './loader.js';
export { type CsvCell, csvCell, csvLine, frameCsvLines } from './write-csv.js';
