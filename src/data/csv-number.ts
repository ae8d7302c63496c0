/**
 * Decimal text → double, straight from bytes. Plain decimals with at most 15 digits
 * and a power of ten within 10^±22 are converted exactly by one multiplication or division
 * (Clinger's fast path: both operands are exact doubles, so the result is correctly rounded);
 * anything else that is still a valid number goes through `Number()`. Returns NaN for text that
 * is not a number, with the same grammar as infer.ts `parseNumber`.
 */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

// Node's native latin1 decoder works on any Uint8Array: no Buffer object per slow-path number.
const latin1Slice = (
  Buffer.prototype as unknown as { latin1Slice(this: Uint8Array, s: number, e: number): string }
).latin1Slice;

const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const LOWER_E = 101;
const UPPER_E = 69;

/**
 * Parse the longest number prefix of b[start, limit) into out[at] (NaN when there is none) and
 * return where it stopped. The CSV scanner calls this on numeric columns so each byte is read
 * once: if it stopped at a delimiter or newline the field was a number, otherwise text. The value
 * goes into an array rather than being returned: a double returned from a function V8 does not
 * inline is boxed on the heap, which cost ~10% of the whole parse.
 */
export function scanNumber(
  b: Uint8Array,
  start: number,
  limit: number,
  out: Float64Array,
  at: number,
): number {
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
    out[at] = Number.NaN;
    return i;
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
    if (edigits === 0) {
      out[at] = Number.NaN;
      return i;
    }
    exp += eneg ? -e : e;
  }
  // At most 15 digits (leading zeros included, which only sends a few numbers the slow way).
  if (digits <= 15 && exp >= -22 && exp <= 22) {
    const v = exp < 0 ? mant / POW10[-exp] : mant * POW10[exp];
    out[at] = neg ? -v : v;
  } else {
    out[at] = Number(latin1Slice.call(b, start, i));
  }
  return i;
}

const scratch = new Float64Array(1);

export function parseNumberBytes(b: Uint8Array, start: number, end: number): number {
  return scanNumber(b, start, end, scratch, 0) === end ? scratch[0] : Number.NaN;
}

const SPACE = 32;
const TAB = 9;

/** As `parseNumberBytes`, ignoring spaces and tabs around the number (" 1.5 " is 1.5). */
export function parseNumberTrimmed(b: Uint8Array, start: number, end: number): number {
  while (start < end && (b[start] === SPACE || b[start] === TAB)) start++;
  while (end > start && (b[end - 1] === SPACE || b[end - 1] === TAB)) end--;
  return parseNumberBytes(b, start, end);
}
