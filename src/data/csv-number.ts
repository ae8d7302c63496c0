/**
 * Decimal text → double, straight from bytes, correctly rounded (bit-for-bit what `Number()` gives).
 * Decimals whose digits form an integer below 2^53 with a power of ten within 10^±22 are converted
 * exactly by one multiplication or division (Clinger's fast path: both operands are exact doubles,
 * so the result is correctly rounded). Longer ones (the 17 significant digits pandas and numpy
 * write) go through Eisel–Lemire (eisel-lemire.ts) on their first 19 significant digits; only the
 * rare numbers it cannot decide go through `Number()`. Returns NaN for text that is not a number,
 * with the same grammar as infer.ts `parseNumber`.
 */
import { eiselLemire } from './eisel-lemire.js';

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
/** Below 2^53 every integer is a double, so the digits accumulated in a double are exact. */
const EXACT_INT = 9007199254740992;
const TWO32 = 4294967296;

// Node's native latin1 decoder works on any Uint8Array: no Buffer object per slow-path number.
const latin1Slice = (
  Buffer.prototype as unknown as { latin1Slice(this: Uint8Array, s: number, e: number): string }
).latin1Slice;

const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
/** 'e'; 'E' | 0x20 is 'e' too. */
const LOWER_E = 101;

/**
 * Parse the longest number prefix of b[start, limit) into out[at] (NaN when there is none) and
 * return where it stopped. The CSV scanner calls this on numeric columns so each byte is read
 * once: if it stopped at a delimiter or newline the field was a number, otherwise text. The value
 * goes into an array rather than being returned: a double returned from a function V8 does not
 * inline is boxed on the heap, which cost ~10% of the whole parse.
 *
 * Only plain short decimals are finished here; exponents, long digit strings and malformed text
 * go to `scanRest`. That keeps this function under V8's inlining limit (460 bytes of bytecode), so
 * it is inlined into the CSV scanner's loop.
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
  if (i < limit) {
    const c = b[i];
    if (c === MINUS || c === PLUS) {
      neg = c === MINUS;
      i++;
    }
  }
  const first = i;
  let mant = 0;
  while (i < limit) {
    const d = b[i] - ZERO;
    if (d < 0 || d > 9) break;
    mant = mant * 10 + d;
    i++;
  }
  const intEnd = i;
  let exp = 0; // minus the number of fraction digits
  if (i < limit && b[i] === DOT) {
    const frac = ++i;
    while (i < limit) {
      const d = b[i] - ZERO;
      if (d < 0 || d > 9) break;
      mant = mant * 10 + d;
      i++;
    }
    exp = frac - i;
  }
  if ((i < limit && (b[i] | 0x20) === LOWER_E) || mant >= EXACT_INT || exp < -22 || intEnd === first) {
    MANT[0] = mant; // not an argument: a double passed to a call that is not inlined is boxed
    return scanRest(b, start, first, intEnd, i, limit, exp, neg, out, at);
  }
  const v = exp === 0 ? mant : mant / POW10[-exp];
  out[at] = neg ? -v : v;
  return i;
}

/**
 * The rest of `scanNumber` after the digits (b[first, mantEnd), a '.' among them when
 * mantEnd > intEnd): no digits at all, an exponent, or digits that Clinger's fast path cannot take.
 */
function scanRest(
  b: Uint8Array,
  start: number,
  first: number,
  intEnd: number,
  mantEnd: number,
  limit: number,
  exp: number,
  neg: boolean,
  out: Float64Array,
  at: number,
): number {
  const mant = MANT[0];
  let i = mantEnd;
  if (intEnd === first && exp === 0) {
    out[at] = Number.NaN; // "", "-", "." or ".e5": no digits
    return i;
  }
  if (i < limit && (b[i] | 0x20) === LOWER_E) {
    i++;
    let eneg = false;
    if (i < limit && (b[i] === MINUS || b[i] === PLUS)) {
      eneg = b[i] === MINUS;
      i++;
    }
    let e = 0;
    const eFirst = i;
    while (i < limit) {
      const d = b[i] - ZERO;
      if (d < 0 || d > 9) break;
      e = e * 10 + d;
      i++;
    }
    if (i === eFirst) {
      out[at] = Number.NaN;
      return i;
    }
    exp += eneg ? -e : e;
  }
  if (mant < EXACT_INT && exp >= -22 && exp <= 22) {
    const v = exp < 0 ? mant / POW10[-exp] : mant * POW10[exp];
    out[at] = neg ? -v : v;
  } else {
    const digits = intEnd - first + (mantEnd > intEnd ? mantEnd - intEnd - 1 : 0);
    if (digits <= 19) fromMant(b, first, mantEnd, exp, neg, out, at);
    else convertLong(b, first, mantEnd, exp, neg, out, at);
    if (Number.isNaN(out[at])) out[at] = Number(latin1Slice.call(b, start, i));
  }
  return i;
}

const MANT = new Float64Array(1);

/**
 * As `convertLong` for at most 19 digits, without reading them all again: MANT[0], the digits
 * accumulated in a double, is within 10^4 of their exact value D < 10^19 (at most four inexact
 * steps, each off by half an ulp, ≤ 2^11, scaled by the later ×10s: about 9,000 at worst), so
 * D = round((MANT[0] − L) / 10^5) · 10^5 + L, where L is the value of the last five digits.
 */
function fromMant(
  b: Uint8Array,
  first: number,
  mantEnd: number,
  exp: number,
  neg: boolean,
  out: Float64Array,
  at: number,
): void {
  let low = 0;
  let scale = 1;
  for (let i = mantEnd - 1, n = 0; n < 5 && i >= first; i--) {
    const d = b[i] - ZERO;
    if (d >= 0) {
      low += d * scale;
      scale *= 10;
      n++;
    }
  }
  const top = Math.round((MANT[0] - low) / scale); // < 10^14: exact
  if (top === 0 && low === 0) {
    out[at] = neg ? -0 : 0;
    return;
  }
  // w = top · scale + low in 32-bit halves: the low word exactly from Math.imul, the high one from
  // the double product (off by ≤ 2^10, far below 2^31).
  const lo32 = Math.imul(top, scale) >>> 0;
  let hi = Math.round((top * scale - lo32) * INV_TWO32);
  let lo = lo32 + low;
  if (lo >= TWO32) {
    lo -= TWO32;
    hi++;
  }
  W[0] = hi;
  W[1] = lo;
  if (!eiselLemire(W, exp, out, at)) out[at] = Number.NaN;
  else if (neg) out[at] = -out[at];
}
/** w for `eiselLemire`: high and low 32-bit halves. */
const W = new Float64Array(2);
const pair = new Float64Array(2);
/** 10^n = 5^n · 2^n: c · 5^n stays below 2^53 for c < 10^9, n ≤ 9, and · 2^n is exact. */
const POW5 = Array.from({ length: 10 }, (_, i) => 5 ** i);
const POW2 = Array.from({ length: 10 }, (_, i) => 2 ** i);
const INV_TWO32 = 1 / TWO32;

/**
 * out[at] = the digits in b[first, mantEnd) (one '.' among them) times 10^exp, through
 * Eisel–Lemire on the first 19 significant digits (they fit in 64 bits); NaN when it cannot decide.
 * With more digits the value lies between w·10^q and (w+1)·10^q: when both round to the same
 * double, so does the value.
 */
function convertLong(
  b: Uint8Array,
  first: number,
  mantEnd: number,
  exp: number,
  neg: boolean,
  out: Float64Array,
  at: number,
): void {
  let i = first;
  while (i < mantEnd && (b[i] === ZERO || b[i] === DOT)) i++; // leading zeros: their place is in exp
  // Digits 1-9 and 10-18 as small integers (the '.' reads as a negative digit and is skipped).
  let c1 = 0;
  let n1 = 0;
  while (i < mantEnd && n1 < 9) {
    const d = b[i++] - ZERO;
    if (d >= 0) {
      c1 = c1 * 10 + d;
      n1++;
    }
  }
  if (n1 === 0) {
    out[at] = neg ? -0 : 0;
    return;
  }
  let c2 = 0;
  let n2 = 0;
  while (i < mantEnd && n2 < 9) {
    const d = b[i++] - ZERO;
    if (d >= 0) {
      c2 = c2 * 10 + d;
      n2++;
    }
  }
  // w = c1 · 10^n2 + c2 < 10^18, as two 32-bit halves.
  const y = c1 * POW5[n2] * POW2[n2]; // exact: < 2^60 and a multiple of 2^n2
  let hi = Math.floor(y * INV_TWO32);
  let lo = y - hi * TWO32 + c2;
  if (lo >= TWO32) {
    lo -= TWO32;
    hi++;
  }
  // Digit 19, then whatever is cut off.
  let dropped = 0;
  let inexact = false;
  let has19 = false;
  while (i < mantEnd) {
    const d = b[i++] - ZERO;
    if (d < 0) continue;
    if (!has19) {
      has19 = true;
      lo = lo * 10 + d; // < 2^36: exact
      const carry = Math.floor(lo * INV_TWO32);
      lo -= carry * TWO32;
      hi = hi * 10 + carry;
    } else {
      dropped++;
      if (d !== 0) inexact = true;
    }
  }
  const q = exp + dropped;
  W[0] = hi;
  W[1] = lo;
  if (!inexact) {
    if (!eiselLemire(W, q, out, at)) out[at] = Number.NaN;
  } else {
    let ok = eiselLemire(W, q, pair, 0);
    // w + 1 ≤ 10^19 < 2^64; lo + 1 = 2^32 carries into hi.
    W[0] = lo + 1 === TWO32 ? hi + 1 : hi;
    W[1] = lo + 1 === TWO32 ? 0 : lo + 1;
    ok &&= eiselLemire(W, q, pair, 1);
    out[at] = ok && pair[0] === pair[1] ? pair[0] : Number.NaN;
  }
  if (neg) out[at] = -out[at];
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

const COMMA = 44;
let commaScratch = new Uint8Array(64);

/**
 * As `parseNumberTrimmed` for numbers written with a decimal comma (data.decimal ','): "79,99",
 * "-1.234.567,5", "2,5e3". A '.' is a thousands separator only between groups of three digits; any
 * other '.' makes the field text (NaN). The field is rewritten into the '.' grammar in a scratch
 * buffer and parsed by the same correctly rounded code.
 */
export function parseNumberCommaTrimmed(b: Uint8Array, start: number, end: number): number {
  while (start < end && (b[start] === SPACE || b[start] === TAB)) start++;
  while (end > start && (b[end - 1] === SPACE || b[end - 1] === TAB)) end--;
  if (end - start > commaScratch.length) commaScratch = new Uint8Array(2 * (end - start));
  const out = commaScratch;
  let w = 0;
  let i = start;
  if (i < end && (b[i] === MINUS || b[i] === PLUS)) out[w++] = b[i++];
  let intDigits = 0;
  let sinceDot = -1; // digits since the last thousands '.', -1 before the first
  for (; i < end; i++) {
    const c = b[i];
    if (c >= ZERO && c <= ZERO + 9) {
      out[w++] = c;
      intDigits++;
      if (sinceDot >= 0) sinceDot++;
    } else if (c === DOT) {
      if (sinceDot >= 0 ? sinceDot !== 3 : intDigits === 0 || intDigits > 3) return Number.NaN;
      sinceDot = 0;
    } else break;
  }
  if (sinceDot >= 0 && sinceDot !== 3) return Number.NaN;
  if (i < end && b[i] === COMMA) {
    out[w++] = DOT;
    i++;
  }
  // Fraction digits and exponent are copied as they are; parseNumberBytes rejects anything else.
  for (; i < end; i++) out[w++] = b[i] === DOT || b[i] === COMMA ? 0 : b[i];
  return parseNumberBytes(out, 0, w);
}
