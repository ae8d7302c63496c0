/**
 * Decimal text → double, straight from bytes. Plain decimals with at most 15 significant digits
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

export function parseNumberBytes(b: Uint8Array, start: number, end: number): number {
  let i = start;
  let neg = false;
  if (i < end && (b[i] === MINUS || b[i] === PLUS)) {
    neg = b[i] === MINUS;
    i++;
  }
  let mant = 0;
  let digits = 0;
  let significant = 0;
  let exp = 0;
  while (i < end) {
    const d = b[i] - ZERO;
    if (d < 0 || d > 9) break;
    if (significant > 0 || d > 0) significant++;
    mant = mant * 10 + d;
    digits++;
    i++;
  }
  if (i < end && b[i] === DOT) {
    i++;
    while (i < end) {
      const d = b[i] - ZERO;
      if (d < 0 || d > 9) break;
      if (significant > 0 || d > 0) significant++;
      mant = mant * 10 + d;
      digits++;
      exp--;
      i++;
    }
  }
  if (digits === 0) return Number.NaN;
  if (i < end && (b[i] === LOWER_E || b[i] === UPPER_E)) {
    i++;
    let eneg = false;
    if (i < end && (b[i] === MINUS || b[i] === PLUS)) {
      eneg = b[i] === MINUS;
      i++;
    }
    let e = 0;
    let edigits = 0;
    while (i < end) {
      const d = b[i] - ZERO;
      if (d < 0 || d > 9) break;
      e = e * 10 + d;
      edigits++;
      i++;
    }
    if (edigits === 0) return Number.NaN;
    exp += eneg ? -e : e;
  }
  if (i !== end) return Number.NaN;
  if (significant <= 15 && exp >= -22 && exp <= 22) {
    const v = exp < 0 ? mant / POW10[-exp] : mant * POW10[exp];
    return neg ? -v : v;
  }
  return Number(Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('latin1'));
}
