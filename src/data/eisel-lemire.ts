/**
 * Eisel–Lemire: the correctly rounded double nearest to w · 10^q, for a 64-bit integer w (given as
 * two 32-bit halves) and q in [-342, 308], without BigInt or strings. This is the algorithm of
 * fast_float, Go's strconv and Rust's core::num::dec2flt (Lemire, "Number Parsing at a Gigabyte
 * per Second", 2021), written for JavaScript numbers:
 *
 * 1. Shift w left until its top bit is set, and multiply it by the 128-bit approximation T of 5^q
 *    (pow5-128.ts); the top 64 bits of the 192-bit product hold the binary significand. 10^q is
 *    5^q · 2^q, so the powers of two only go into the exponent.
 * 2. |T − 5^q·2^s| < 1, so the product is within w < 2^64 of the exact one: its top 128 bits are
 *    within ±1 of the truth. That decides the rounding unless the bits below the 53-bit significand
 *    sit right at a halfway point; then (rarely: exact halves with q < 0 or q > 27, or products
 *    within 2^-64 of one) the answer is "undecided" and the caller asks `Number()`. For q in
 *    [0, 27] the product is exact and ties go to even here.
 *
 * The 64×64 → 128-bit products are built from 32×32 → 64-bit ones, each split once more into
 * 16×32-bit products, which doubles hold exactly (< 2^53). Subnormal and overflowing results
 * are also left to `Number()`; they do not occur in real tabular data often enough to matter.
 */
import { POW5_128, POW5_MAX_Q, POW5_MIN_Q } from './pow5-128.js';

const TWO32 = 4294967296;
const INV_TWO32 = 1 / TWO32;

/** 2^e for e in [-1074, 971]: the exponents of normal results of m · 2^e with m in [2^52, 2^53]. */
const POW2_MIN = -1074;
const POW2 = (() => {
  const t = new Float64Array(971 - POW2_MIN + 1);
  let v = 1;
  for (let e = 0; e <= 971; e++, v *= 2) t[e - POW2_MIN] = v;
  v = 1;
  for (let e = 0; e >= POW2_MIN; e--, v /= 2) t[e - POW2_MIN] = v; // exact down to 2^-1074
  return t;
})();

// The 128-bit product, as four 32-bit words (P[0] most significant). A typed array rather than
// module variables: a double stored in a module `let` is boxed on the heap at every write.
const P = new Float64Array(4);

/**
 * High 32 bits of a · b for 32-bit unsigned a, b (the low ones are Math.imul). The double product
 * is within 2^10 of a · b and subtracting the exact low word adds at most 2^10 more, so the
 * quotient by 2^32 is within 2^-21 of the integer it rounds to.
 */
function mulHi32(a: number, b: number, lo: number): number {
  return Math.round((a * b - lo) * INV_TWO32);
}

/** P = (a1·2^32 + a0) · (b1·2^32 + b0). */
function mul64(a1: number, a0: number, b1: number, b0: number): void {
  const l00 = Math.imul(a0, b0) >>> 0;
  const l01 = Math.imul(a0, b1) >>> 0;
  const l10 = Math.imul(a1, b0) >>> 0;
  const l11 = Math.imul(a1, b1) >>> 0;
  const s1 = mulHi32(a0, b0, l00) + l01 + l10; // < 3·2^32
  const r1 = s1 >>> 0; // ToUint32 is exactly s1 mod 2^32
  const s2 = mulHi32(a0, b1, l01) + mulHi32(a1, b0, l10) + l11 + (s1 - r1) * INV_TWO32;
  const r2 = s2 >>> 0;
  P[3] = l00;
  P[2] = r1;
  P[1] = r2;
  P[0] = mulHi32(a1, b1, l11) + (s2 - r2) * INV_TWO32;
}

/**
 * out[at] = the double nearest w · 10^q (ties to even), w = w[0]·2^32 + w[1] < 2^64, w > 0.
 * Returns false, leaving out[at] alone, when the product cannot decide, the result would be
 * subnormal or infinite, or q is outside the table. The 32-bit halves come in an array, not as
 * arguments: a call V8 does not inline boxes every argument above 2^30 on the heap.
 */
export function eiselLemire(w: Float64Array, q: number, out: Float64Array, at: number): boolean {
  if (q < POW5_MIN_Q || q > POW5_MAX_Q) return false;
  const wHi = w[0];
  const wLo = w[1];
  // Normalise: top bit of w set.
  const lz = wHi !== 0 ? Math.clz32(wHi) : 32 + Math.clz32(wLo);
  let w1: number;
  let w0: number;
  if (lz >= 32) {
    w1 = (wLo << (lz - 32)) >>> 0;
    w0 = 0;
  } else if (lz > 0) {
    w1 = ((wHi << lz) | (wLo >>> (32 - lz))) >>> 0;
    w0 = (wLo << lz) >>> 0;
  } else {
    w1 = wHi;
    w0 = wLo;
  }
  const t = (q - POW5_MIN_Q) * 4;
  mul64(w1, w0, POW5_128[t], POW5_128[t + 1]);
  let hi1 = P[0];
  let hi0 = P[1];
  let lo1 = P[2];
  let lo0 = P[3];
  // Bits of the top word below the 54-bit significand (53 bits + the rounding bit).
  let shift = 9 + (hi1 >>> 31);
  let ones = (1 << shift) - 1;
  let below = hi0 & ones;
  if (below === 0 || below >= ones - 1) {
    // Near a boundary: the neglected w · T_low (< 2^128) may carry into the top word. Add its top 64 bits.
    mul64(w1, w0, POW5_128[t + 2], POW5_128[t + 3]);
    const s0 = lo0 + P[1];
    lo0 = s0 >>> 0;
    const s1 = lo1 + P[0] + (s0 - lo0) * INV_TWO32;
    lo1 = s1 >>> 0;
    if (s1 !== lo1) {
      const s2 = hi0 + 1;
      hi0 = s2 >>> 0;
      if (s2 !== hi0) hi1 = (hi1 + 1) >>> 0; // cannot overflow: the product is < 2^192
      shift = 9 + (hi1 >>> 31);
      ones = (1 << shift) - 1;
      below = hi0 & ones;
    }
  }
  // Significand m = top word >> shift, 54 bits in two parts; its last bit is the rounding bit.
  const mHi = hi1 >>> shift;
  const mLo = ((hi1 << (32 - shift)) | (hi0 >>> shift)) >>> 0;
  const half = mLo & 1;
  // Within ±1 (±2 for margin) of a halfway point the exact value may round the other way, unless
  // the product is exact: for q in [0, 27], 5^q < 2^63 fits the table's top word, nothing is cut.
  const exact = q >= 0 && q <= 27;
  let up = half;
  if (half === 1 && below === 0 && lo1 === 0 && lo0 <= 2) {
    if (!exact) return false;
    if (lo0 === 0) up = (mLo >>> 1) & 1; // an exact tie: round to even
  } else if (half === 0 && below === ones && lo1 === 0xffffffff && lo0 >= 0xfffffffd && !exact) {
    return false;
  }
  // (m >> 1) plus the rounding step; ≤ 2^53, exact.
  const m = mHi * 2147483648 + (mLo >>> 1) + up;
  const e = ((217706 * q) >> 16) + 11 + (hi1 >>> 31) - lz; // floor(q·log2 10) + ...
  if (e < POW2_MIN || e > 971) return false;
  out[at] = m * POW2[e - POW2_MIN];
  return true;
}
