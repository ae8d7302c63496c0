/**
 * First checks on a loaded table, before any cleaning: it has rows, no column is entirely
 * missing, and the target (when named) exists and is numeric (or will be once cleaned). Messages
 * say what to do.
 */
import { DataError } from '../core/errors.js';
import { type CategoricalColumn, type ColumnType, cellValue, type Frame, missingCount } from './frame.js';
import { type DecimalMark, isCommaDecimal, parseNumber } from './infer.js';
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

/**
 * What cleaning will do to the target before anything is trained (cleaning.missing_tokens,
 * cleaning.trim_strings, cleaning.types.<target>). The load check runs first, so it must accept a
 * target that cleaning makes numeric, or its advice to set those keys could never work.
 */
export interface TargetCleaning {
  missingTokens: readonly string[];
  trim: boolean;
  /** cleaning.types.<target>, when declared. */
  type?: ColumnType;
}

export function checkTarget(
  frame: Frame,
  path: string,
  target: string,
  cleaning?: TargetCleaning,
  decimal: DecimalMark = '.',
): void {
  if (!frame.has(target)) {
    throw new DataError(
      'missing_target',
      `Target column ${showName(target)} is not in "${path}". Its columns are: ${showNames(frame.names)}. ` +
        'Pass one of these as the target (--target).',
    );
  }
  const col = frame.get(target);
  if (col.type === 'numeric') return;
  // cleaning.types.<target>: numeric converts text and booleans (unreadable cells become missing).
  if (cleaning?.type === 'numeric' && (col.type === 'categorical' || col.type === 'boolean')) return;
  const text = col.type === 'categorical' ? textValues(col, cleaning, decimal) : undefined;
  if (text && text.stray.length === 0 && text.comma.length === 0 && text.numbers > 0 && !cleaning?.type)
    return;
  throw new DataError(
    'target_not_numeric',
    `Target column ${showName(target)} in "${path}" must be numeric (tabflow trains regressors) but was ` +
      `read as ${col.type}; ${text ? textAdvice(target, text, decimal) : `example values: ${examples(frame, target)}. Choose a numeric target.`}`,
  );
}

interface TextValues {
  /** Distinct values that are numbers. */
  numbers: number;
  /** Distinct values that are numbers written with a decimal comma (when the mark is '.'). */
  comma: string[];
  /** Distinct values that are neither, with the rows holding them. */
  stray: string[];
  strayRows: number;
  rows: number;
}

function textValues(
  col: CategoricalColumn,
  cleaning: TargetCleaning | undefined,
  decimal: DecimalMark,
): TextValues {
  const tokens = new Set(cleaning?.missingTokens ?? []);
  const kind = col.dictionary.map((raw) => {
    const s = cleaning?.trim ? raw.trim() : raw;
    if (tokens.has(s)) return 0; // missing after cleaning
    if (!Number.isNaN(parseNumber(s.trim(), decimal))) return 1;
    return decimal === '.' && isCommaDecimal(s.trim()) ? 2 : 3;
  });
  const rowsOf = new Float64Array(col.dictionary.length);
  let rows = 0;
  for (const c of col.codes) {
    if (c < 0) continue;
    rowsOf[c]++;
    rows++;
  }
  const used = (k: number) => col.dictionary.filter((_, c) => kind[c] === k && rowsOf[c] > 0);
  const stray = used(3);
  return {
    numbers: used(1).length,
    comma: used(2),
    stray,
    strayRows: col.dictionary.reduce((n, _, c) => n + (kind[c] === 3 ? rowsOf[c] : 0), 0),
    rows,
  };
}

/** What to do about a text target: the advice names the keys that really fix each case. */
function textAdvice(target: string, t: TextValues, decimal: DecimalMark): string {
  const quote = (vs: string[]) =>
    vs
      .slice(0, 5)
      .map((v) => JSON.stringify(clip(v)))
      .join(', ');
  if (t.numbers === 0 && t.comma.length === 0) {
    return `example values: ${quote(t.stray)}. Choose a numeric target.`;
  }
  const advice: string[] = [];
  if (t.comma.length > 0) {
    advice.push(
      `values such as ${quote(t.comma)} are numbers with a decimal comma: set data.decimal: "," in the ` +
        'config to read them as numbers',
    );
  }
  if (t.stray.length > 0) {
    const what = decimal === ',' ? 'numbers (with the decimal comma of data.decimal)' : 'numbers';
    advice.push(
      `${t.strayRows.toLocaleString('en')} of ${t.rows.toLocaleString('en')} rows hold values that are not ` +
        `${what}: ${quote(t.stray)}. If they mean "unknown", add them to cleaning.missing_tokens (those ` +
        `rows are then dropped, as cleaning.drop_missing_target does), or set cleaning.types.${target}: ` +
        'numeric to read every cell that is not a number as missing',
    );
  }
  return `${advice.join('; ')}.`;
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
