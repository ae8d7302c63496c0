/**
 * Type inference rules shared by every input path (files through DuckDB, JSON records at
 * inference time), so a column gets the same type however it arrives.
 *
 * Strings are judged by their distinct values: all numbers → numeric, all `true`/`false` →
 * boolean, all ISO-8601 dates → datetime, anything else → categorical. Strings are never
 * trimmed here (the cleaner does that, and counts it).
 */
import type { ColumnType } from './frame.js';

/** The strings the loaders read as missing unless told otherwise. */
export const DEFAULT_MISSING_TOKENS: readonly string[] = ['', 'NA', 'null', 'NULL', 'NaN', 'N/A'];

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
// Date, or date and time with optional fraction and zone: 2020-01-31, 2020-01-31T10:00:00.5+02:00
const ISO_DATETIME_RE =
  /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/**
 * The decimal mark of numbers written as text (data.decimal). With ',' ("79,99", the usual European
 * CSV) a '.' is read as a thousands separator, and only in groups of three digits ("1.234.567,5");
 * any other '.' ("1.5") makes the cell text, since it cannot be told from a mistyped separator.
 */
export type DecimalMark = '.' | ',';

export const DECIMAL_MARKS: readonly DecimalMark[] = ['.', ','];

const COMMA_NUMBER_RE = /^[+-]?(?:(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d*)?|,\d+)(?:[eE][+-]?\d+)?$/;

/** The number a string spells, or NaN when it is not a plain decimal number (with that mark). */
export function parseNumber(s: string, decimal: DecimalMark = '.'): number {
  if (decimal === ',') {
    return COMMA_NUMBER_RE.test(s) ? Number(s.replace(/\./g, '').replace(',', '.')) : Number.NaN;
  }
  return NUMBER_RE.test(s) ? Number(s) : Number.NaN;
}

/** Whether a string is a number written with a decimal comma ("79,99", "1.234,5"). */
export function isCommaDecimal(s: string): boolean {
  return s.includes(',') && COMMA_NUMBER_RE.test(s);
}

/** 1 for true, 0 for false, -1 when the string is not a boolean word. */
export function parseBoolean(s: string): number {
  switch (s) {
    case 'true':
    case 'True':
    case 'TRUE':
      return 1;
    case 'false':
    case 'False':
    case 'FALSE':
      return 0;
    default:
      return -1;
  }
}

const LOOSE_TRUE = new Set(['true', 't', 'yes', 'y', '1']);
const LOOSE_FALSE = new Set(['false', 'f', 'no', 'n', '0']);

/**
 * Like parseBoolean, but also accepts t/f, yes/no, y/n and 1/0 in any case: used when a column is
 * declared boolean (inference stays strict so that e.g. a 0/1 count is not taken for a flag).
 */
export function parseBooleanLoose(s: string): number {
  const l = s.toLowerCase();
  return LOOSE_TRUE.has(l) ? 1 : LOOSE_FALSE.has(l) ? 0 : -1;
}

/**
 * Milliseconds since the epoch for an ISO-8601 date or date-time, NaN otherwise. A time without
 * a zone is read as UTC (as DuckDB does), so the result never depends on the machine's zone.
 */
export function parseDatetime(s: string): number {
  const m = ISO_DATETIME_RE.exec(s);
  if (!m) return Number.NaN;
  if (m[2] === undefined) return Date.parse(`${m[1]}T00:00:00Z`);
  let zone = m[3] ?? 'Z';
  if (zone !== 'Z' && zone.length === 3) zone += ':00';
  else if (zone !== 'Z' && zone.length === 5) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  return Date.parse(`${m[1]}T${m[2]}${zone}`);
}

/** The type a set of distinct non-missing strings implies (empty set → categorical). */
export function inferStringType(values: readonly string[], decimal: DecimalMark = '.'): ColumnType {
  if (values.length === 0) return 'categorical';
  const numberRe = decimal === ',' ? COMMA_NUMBER_RE : NUMBER_RE;
  if (values.every((s) => numberRe.test(s))) return 'numeric';
  if (values.every((s) => parseBoolean(s) >= 0)) return 'boolean';
  if (values.every((s) => !Number.isNaN(parseDatetime(s)))) return 'datetime';
  return 'categorical';
}
