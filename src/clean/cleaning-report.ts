/** What the cleaner did, as plain JSON (it goes into metadata.json as is). */
import type { ColumnType } from '../data/frame.js';

export interface TypeFix {
  from: ColumnType;
  to: ColumnType;
  /** Non-missing cells that could not be read as the new type and became missing. */
  unparseable: number;
}

export interface ColumnChanges {
  /** Cells whose text had surrounding whitespace. */
  trimmed: number;
  /** Cells that held a missing token (after trimming) and became missing. */
  missingTokens: number;
  typeFixed?: TypeFix;
}

export interface CleaningReport {
  rowsBefore: number;
  rowsAfter: number;
  duplicatesDropped: number;
  /** Rows dropped for a missing target that were not already dropped as duplicates. */
  missingTargetDropped: number;
  columnsDropped: string[];
  /** Only columns with at least one change appear. */
  columns: Record<string, ColumnChanges>;
}
