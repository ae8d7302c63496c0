/**
 * First checks on a loaded table, before any cleaning: it has rows, no column is entirely
 * missing, and the target (when named) exists and is numeric. Messages say what to do.
 */
import { DataError } from '../core/errors.js';
import { cellValue, type Frame, missingCount } from './frame.js';
import { clip, showName, showNames } from './show-names.js';

export function checkHasRows(frame: Frame, path: string): void {
  if (frame.nRows > 0) return;
  throw new DataError(
    'no_rows',
    `"${path}" has columns (${showNames(frame.names)}) but no data rows. Check that the export ` +
      'wrote its rows and that you passed the right file.',
  );
}

/** `missing[j]`: missing cells of column j, when the caller already counted them. */
export function checkNoEmptyColumns(frame: Frame, path: string, missing?: readonly number[]): void {
  const empty = frame.names.filter(
    (_, j) => (missing?.[j] ?? missingCount(frame.columns[j])) === frame.nRows,
  );
  if (empty.length === 0) return;
  const list = showNames(empty, true);
  throw new DataError(
    'empty_column',
    `${empty.length === 1 ? 'Column' : 'Columns'} ${list} in "${path}" ${empty.length === 1 ? 'has' : 'have'} ` +
      `no values (all ${frame.nRows} rows are missing). Drop ${empty.length === 1 ? 'it' : 'them'} from the ` +
      'file, or fill in the values; if a placeholder like "-" means missing, check the missing tokens.',
  );
}

export function checkTarget(frame: Frame, path: string, target: string): void {
  if (!frame.has(target)) {
    throw new DataError(
      'missing_target',
      `Target column ${showName(target)} is not in "${path}". Its columns are: ${showNames(frame.names)}. ` +
        'Pass one of these as the target (--target).',
    );
  }
  const type = frame.typeOf(target);
  if (type === 'numeric') return;
  throw new DataError(
    'target_not_numeric',
    `Target column "${target}" in "${path}" must be numeric (tabflow trains regressors) but was read ` +
      `as ${type}; example values: ${examples(frame, target)}. Choose a numeric target, or if the values ` +
      'are numbers with stray text, add those tokens to the missing tokens or declare ' +
      `types: {${target}: numeric}.`,
  );
}

/** Up to five distinct non-missing values of a column, quoted. */
function examples(frame: Frame, name: string): string {
  const col = frame.get(name);
  const seen = new Set<string>();
  for (let i = 0; i < frame.nRows && seen.size < 5; i++) {
    const v = cellValue(col, i);
    if (v !== null) seen.add(JSON.stringify(typeof v === 'string' ? clip(v) : v));
  }
  return [...seen].join(', ') || '(none)';
}
