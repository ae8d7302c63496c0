/**
 * Strict text → value parsers for type fixes. Stricter than `Number()` (which reads '' and ' ' as
 * 0 and accepts hex): a cell either is plainly a number / boolean / ISO date, or it is unparseable.
 */

import { type DecimalMark, parseNumber as parseDataNumber } from '../data/infer.js';

const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Decimal number, or NaN. With decimal ',' the rules of data.decimal apply ("1.234,5"). */
export function parseNumber(s: string, decimal: DecimalMark = '.'): number {
  const t = s.trim();
  if (decimal === ',') return parseDataNumber(t, ',');
  return NUMBER_RE.test(t) ? Number(t) : Number.NaN;
}

const TRUE = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'f', 'no', 'n', '0']);

/** 1, 0, or -1 when unparseable. */
export function parseBoolean(s: string): number {
  const t = s.trim().toLowerCase();
  return TRUE.has(t) ? 1 : FALSE.has(t) ? 0 : -1;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * ISO 8601 date or date-time → epoch ms, or NaN. A time without an offset is read as UTC, never as
 * the machine's local time, so the result does not depend on where it runs.
 */
export function parseDatetime(s: string): number {
  const m = DATE_RE.exec(s.trim());
  if (!m) return Number.NaN;
  const [, y, mo, d, h = '00', mi = '00', sec = '00', frac = '', zone] = m;
  let offsetMin = 0;
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMin = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
  }
  const ms = frac ? Math.round(Number(frac) * 1000) : 0;
  const t = Date.UTC(+y, +mo - 1, +d, +h, +mi, +sec, ms);
  // Date.UTC rolls 2021-02-30 over to March; a date that does not round-trip is not a date.
  const back = new Date(t);
  if (back.getUTCFullYear() !== +y || back.getUTCMonth() !== +mo - 1 || back.getUTCDate() !== +d)
    return Number.NaN;
  if (+h > 23 || +mi > 59 || +sec > 59) return Number.NaN;
  return t - offsetMin * 60000;
}
