/** What the cleaner did, as plain JSON (it goes into metadata.json as is). */
import type { ColumnType } from '../data/frame.js';

/** A column read as another type (`cleaning.types`), and how many cells could not be read as it. */
export interface TypeFix {
  from: ColumnType;
  to: ColumnType;
  /** Non-missing cells that could not be read as the new type and became missing. */
  unparseable: number;
}

/** The cells cleaning changed in one column. */
export interface ColumnChanges {
  /** Cells whose text had surrounding whitespace. */
  trimmed: number;
  /** Cells that held a missing token (after trimming) and became missing. */
  missingTokens: number;
  typeFixed?: TypeFix;
}

/**
 * What cleaning did to a frame, recorded in metadata.json: rows before and after, what was dropped
 * and what changed per column.
 */
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
