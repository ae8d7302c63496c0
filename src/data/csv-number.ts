/**
 * Decimal text → double, straight from bytes. Plain decimals with at most 15 digits
 * and a power of ten within 10^±22 are converted exactly by one multiplication or division
 * (Clinger's fast path: both operands are exact doubles, so the result is correctly rounded);
 * anything else that is still a valid number goes through `Number()`. Returns NaN for text that
 * is not a number, with the same grammar as infer.ts `parseNumber`.
 */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const LOWER_E = 101;
const UPPER_E = 69;

/** Where the last `scanNumber` stopped: the first byte that is not part of the number. */
export let scanEnd = 0;

/**
 * Parse the longest number prefix of b[start, limit); sets `scanEnd` to where it stopped. The
 * CSV scanner calls this on numeric columns so each byte is read once: if `scanEnd` is at a
 * delimiter or newline the field was a number, otherwise it was text.
 */
export function scanNumber(b: Uint8Array, start: number, limit: number): number {
  let i = start;
  let neg = false;
  if (i < limit && (b[i] === MINUS || b[i] === PLUS)) {
    neg = b[i] === MINUS;
    i++;
  }
  let mant = 0;
  const first = i;
  let exp = 0;
  while (i < limit) {
    const d = b[i] - ZERO;
    if (d < 0 || d > 9) break;
    mant = mant * 10 + d;
    i++;
  }
  let digits = i - first;
  if (i < limit && b[i] === DOT) {
    const frac = ++i;
    while (i < limit) {
      const d = b[i] - ZERO;
      if (d < 0 || d > 9) break;
      mant = mant * 10 + d;
      i++;
    }
    exp = frac - i;
    digits -= exp;
  }
  if (digits === 0) {
    scanEnd = i;
    return Number.NaN;
  }
  if (i < limit && (b[i] === LOWER_E || b[i] === UPPER_E)) {
    i++;
    let eneg = false;
    if (i < limit && (b[i] === MINUS || b[i] === PLUS)) {
      eneg = b[i] === MINUS;
      i++;
    }
    let e = 0;
    let edigits = 0;
    while (i < limit) {
      const d = b[i] - ZERO;
      if (d < 0 || d > 9) break;
      e = e * 10 + d;
      edigits++;
      i++;
    }
    scanEnd = i;
    if (edigits === 0) return Number.NaN;
    exp += eneg ? -e : e;
  }
  scanEnd = i;
  // At most 15 digits (leading zeros included, which only sends a few numbers the slow way).
  if (digits <= 15 && exp >= -22 && exp <= 22) {
    const v = exp < 0 ? mant / POW10[-exp] : mant * POW10[exp];
    return neg ? -v : v;
  }
  return Number(Buffer.from(b.buffer, b.byteOffset + start, i - start).toString('latin1'));
}

export function parseNumberBytes(b: Uint8Array, start: number, end: number): number {
  const v = scanNumber(b, start, end);
  return scanEnd === end ? v : Number.NaN;
}

const SPACE = 32;
const TAB = 9;

/** As `parseNumberBytes`, ignoring spaces and tabs around the number (" 1.5 " is 1.5). */
export function parseNumberTrimmed(b: Uint8Array, start: number, end: number): number {
  while (start < end && (b[start] === SPACE || b[start] === TAB)) start++;
  while (end > start && (b[end - 1] === SPACE || b[end - 1] === TAB)) end--;
  return parseNumberBytes(b, start, end);
}
