/**
 * Rows → RFC 4180 CSV text that DataLoader reads back to the same values: numbers in their
 * shortest round-trip form, missing as an empty cell, text quoted when it holds a delimiter, a
 * quote, a line break or surrounding spaces, or when it would otherwise read as missing.
 */
import { cellValue, type Frame } from './frame.js';
import { DEFAULT_MISSING_TOKENS } from './infer.js';

/** A value written as one CSV field (null and undefined are empty). */
export type CsvCell = string | number | boolean | null | undefined;

const MISSING = new Set<string>(DEFAULT_MISSING_TOKENS);

/**
 * One value as a CSV field, quoted when a reader would otherwise split it, trim it or take it for
 * a missing token.
 */
export function csvCell(v: CsvCell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === '' || /[",\r\n]/.test(v) || v.trim() !== v || MISSING.has(v)) {
    // A quoted "NA" is still text to a reader that honours quotes; an empty string stays missing.
    return v === '' ? '' : `"${v.replace(/"/g, '""')}"`;
  }
  return v;
}

/** A CSV record of `cells` with its newline. */
export function csvLine(cells: readonly CsvCell[]): string {
  return `${cells.map(csvCell).join(',')}\n`;
}

/** Every row of `frame` as CSV lines under `columns` (columns the frame lacks are empty). */
export function* frameCsvLines(frame: Frame, columns: readonly string[]): Generator<string> {
  const cols = columns.map((c) => (frame.has(c) ? frame.get(c) : null));
  const cells: CsvCell[] = new Array(columns.length);
  for (let i = 0; i < frame.nRows; i++) {
    for (let k = 0; k < cols.length; k++) {
      const c = cols[k];
      cells[k] = c ? cellValue(c, i) : null;
    }
    yield csvLine(cells);
  }
}
