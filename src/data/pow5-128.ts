/**
 * 128-bit approximations of 5^q for q in [POW5_MIN_Q, POW5_MAX_Q], the table of the Eisel–Lemire
 * decimal → double conversion (eisel-lemire.ts). Entry q is 5^q scaled by a power of two into
 * [2^127, 2^128): truncated for q ≥ 0 (exact up to 5^55), rounded up for q < 0 (never exact).
 * Either way it is within 1 of the scaled value, which is the error the algorithm accounts for.
 *
 * Built once at module load with BigInt (a few milliseconds) rather than committed as 2,600
 * hexadecimal literals: the code that makes the table is shorter to check than the table.
 * Stored as four 32-bit words per entry, most significant first, so the hot path never sees a BigInt.
 */

/** Below 10^-342 even the largest 19-digit mantissa rounds to zero. */
export const POW5_MIN_Q = -342;
/** From 10^309 on every non-zero mantissa overflows to infinity. */
export const POW5_MAX_Q = 308;

function bitLength(x: bigint): number {
  return x.toString(2).length;
}

function buildTable(): Uint32Array {
  const words = new Uint32Array((POW5_MAX_Q - POW5_MIN_Q + 1) * 4);
  const mask = 0xffffffffn;
  for (let q = POW5_MIN_Q; q <= POW5_MAX_Q; q++) {
    let t: bigint;
    if (q >= 0) {
      const p = 5n ** BigInt(q);
      const shift = 128 - bitLength(p);
      t = shift >= 0 ? p << BigInt(shift) : p >> BigInt(-shift);
    } else {
      // 2^b / 5^-q with b chosen so the quotient has 128 bits, plus one: an upper bound.
      const p = 5n ** BigInt(-q);
      const b = bitLength(p) + 127;
      t = (1n << BigInt(b)) / p + 1n;
    }
    if (bitLength(t) !== 128) throw new Error(`pow5-128: entry for 5^${q} is not 128 bits`);
    const at = (q - POW5_MIN_Q) * 4;
    words[at] = Number((t >> 96n) & mask);
    words[at + 1] = Number((t >> 64n) & mask);
    words[at + 2] = Number((t >> 32n) & mask);
    words[at + 3] = Number(t & mask);
  }
  return words;
}

export const POW5_128 = buildTable();
