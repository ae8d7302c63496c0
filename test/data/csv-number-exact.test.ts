/**
 * The CSV number parser must give exactly what `Number(text)` gives, bit for bit, on the long
 * decimals that take the Eisel–Lemire path (16+ significant digits, or exponents beyond 10^±22):
 * seeded random decimals over the whole exponent range, the known hard cases, the bundled CSVs,
 * and a CSV of 17-digit floats read through DataLoader. The algorithm is also checked on its own,
 * so a version that declines everything (and lets `Number()` do the work) fails here.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { Rng } from '../../src/core/random.js';
import { parseNumberBytes, scanNumber } from '../../src/data/csv-number.js';
import { eiselLemire } from '../../src/data/eisel-lemire.js';
import { DataLoader } from '../../src/data/index.js';
import { POW5_128, POW5_MAX_Q, POW5_MIN_Q } from '../../src/data/pow5-128.js';
import { TmpDir } from './tmp-files.js';

const tmp = new TmpDir();
after(() => tmp.remove());

const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Parse every text from one buffer (as the CSV parser sees them) and compare with Number(). */
function assertAllExact(texts: readonly string[]): void {
  const bytes = Buffer.from(texts.join(','), 'latin1');
  const out = new Float64Array(1);
  let at = 0;
  for (const text of texts) {
    const end = at + text.length;
    const stop = scanNumber(bytes, at, bytes.length, out, 0);
    const want = Number(text);
    if (stop !== end || !Object.is(out[0], want)) {
      assert.fail(
        `${JSON.stringify(text)}: parsed ${out[0]} (stopped at +${stop - at}), Number() gives ${want}`,
      );
    }
    at = end + 1;
  }
}

/** A 64-bit integer as eiselLemire takes it: [high 32 bits, low 32 bits]. */
function halves(w: bigint): Float64Array {
  return Float64Array.of(Number(w >> 32n), Number(w & 0xffffffffn));
}

function digits(rng: Rng, n: number): string {
  let s = String(1 + rng.int(9));
  for (let k = 1; k < n; k++) s += String(rng.int(10));
  return s;
}

/** A decimal of `n` significant digits in one of the forms CSV writers use. */
function randomDecimal(rng: Rng, n: number, maxExp: number): string {
  const ds = digits(rng, n);
  const sign = rng.next() < 0.3 ? '-' : rng.next() < 0.05 ? '+' : '';
  const form = rng.int(4);
  if (form === 0) {
    const dot = rng.int(n + 1);
    return `${sign}${dot === 0 ? '0' : ds.slice(0, dot)}.${ds.slice(dot)}`;
  }
  if (form === 1) return `${sign}0.${'0'.repeat(rng.int(12))}${ds}`;
  const e = rng.int(2 * maxExp + 1) - maxExp;
  if (form === 2) return `${sign}${ds[0]}.${ds.slice(1)}e${e >= 0 ? '+' : ''}${e}`;
  return `${sign}${ds}E${e}`;
}

describe('Eisel–Lemire on its own', () => {
  test('the exponent estimate is floor(q·log2 10) over the whole table', () => {
    for (let q = POW5_MIN_Q; q <= POW5_MAX_Q; q++) {
      // floor(q·log2 10) from exact integers: bit length of 10^|q|.
      const bits = (10n ** BigInt(Math.abs(q))).toString(2).length;
      const want = q >= 0 ? bits - 1 : -bits;
      assert.equal((217706 * q) >> 16, want, `q = ${q}`);
    }
  });

  test('table entries: top bit set, and 5^1, 5^-1 as expected', () => {
    const word = (q: number, k: number) => POW5_128[(q - POW5_MIN_Q) * 4 + k];
    for (let q = POW5_MIN_Q; q <= POW5_MAX_Q; q++) assert.ok(word(q, 0) >= 0x80000000, `5^${q}`);
    assert.deepEqual([word(1, 0), word(1, 1), word(1, 2), word(1, 3)], [0xa0000000, 0, 0, 0]);
    // 2^130 / 5 = 0xCCCC…CCCC.CC…, rounded up.
    assert.deepEqual([word(-1, 0), word(-1, 3)], [0xcccccccc, 0xcccccccd]);
  });

  test('decides nearly every 16-19 digit mantissa, and every decision equals Number()', () => {
    const rng = new Rng(2026);
    const out = new Float64Array(1);
    let decided = 0;
    const n = 100_000;
    for (let k = 0; k < n; k++) {
      const s = digits(rng, 16 + rng.int(4));
      const w = BigInt(s);
      const q = rng.int(600) - 320; // results between ~1e-305 and ~1e298: no subnormals or overflow
      if (!eiselLemire(halves(w), q, out, 0)) continue;
      decided++;
      const want = Number(`${s}e${q}`);
      if (!Object.is(out[0], want)) assert.fail(`${s}e${q}: ${out[0]}, Number() gives ${want}`);
    }
    assert.ok(decided > 0.999 * n, `decided ${decided} of ${n}`);
  });

  test('exact ties with q in [0, 27] go to even; other near-halves are left to Number()', () => {
    const out = new Float64Array(1);
    // 2^53 + 1 and 2^53 + 3 are halfway between doubles: even significands win.
    assert.ok(eiselLemire(halves(2n ** 53n + 1n), 0, out, 0));
    assert.equal(out[0], 9007199254740992);
    assert.ok(eiselLemire(halves(2n ** 53n + 3n), 0, out, 0));
    assert.equal(out[0], 9007199254740996);
    // 90071992547409930 · 10^-1 is the same tie reached through an inexact power of five.
    assert.equal(eiselLemire(halves(90071992547409930n), -1, out, 0), false);
  });
});

describe('parseNumberBytes equals Number() bit for bit', () => {
  test('200,000 seeded random decimals of 16-20 significant digits, exponents to ±330', () => {
    const rng = new Rng(42);
    const texts: string[] = [];
    for (let k = 0; k < 200_000; k++) texts.push(randomDecimal(rng, 16 + rng.int(5), 330));
    assertAllExact(texts);
  });

  test('19-digit decimals built to maximise the rounding in the digit accumulator', () => {
    // Mostly 9s (and runs of 0s/5s) keep every ×10 step of the double accumulator inexact.
    const rng = new Rng(99);
    const texts: string[] = [];
    for (let k = 0; k < 50_000; k++) {
      const n = 17 + rng.int(3);
      const fill = ['9', '9', '0', '5'][rng.int(4)];
      let ds = String(1 + rng.int(9));
      for (let i = 1; i < n; i++) ds += rng.next() < 0.85 ? fill : String(rng.int(10));
      const dot = rng.int(n + 1);
      const body = dot === n ? ds : `${ds.slice(0, dot)}.${ds.slice(dot)}`;
      texts.push(rng.next() < 0.5 ? body : `${body}e${rng.int(600) - 300}`);
    }
    assertAllExact(texts);
  });

  test('shortest round-trip text of random doubles (what pandas and numpy write)', () => {
    const rng = new Rng(7);
    const view = new DataView(new ArrayBuffer(8));
    const texts: string[] = [];
    for (let k = 0; k < 50_000; k++) {
      texts.push(String(rng.normal() * 10 ** (rng.int(20) - 10)));
      // Any finite bit pattern, subnormals included.
      view.setUint32(0, rng.nextU32());
      view.setUint32(4, rng.nextU32());
      const v = view.getFloat64(0);
      if (Number.isFinite(v)) texts.push(String(v));
    }
    assertAllExact(texts.map((t) => t.replace('e+', 'e')));
  });

  test('known hard cases', () => {
    assertAllExact([
      // 2^53 ± 1 and neighbours: ties to even.
      '9007199254740991',
      '9007199254740992',
      '9007199254740993',
      '9007199254740995',
      '9007199254740993.0',
      '900719925474099.3e1',
      '90071992547409930e-1',
      '18014398509481985',
      '-9223372036854775807',
      '9223372036854775808',
      '18446744073709551615',
      '18446744073709551616',
      // Halfway between two doubles, with digits past the 19th deciding the direction.
      '1.00000000000000011102230246251565404236316680908203125',
      '1.00000000000000011102230246251565404236316680908203124',
      '1.00000000000000011102230246251565404236316680908203126',
      '2.2250738585072011e-308',
      '2.2250738585072012e-308',
      '2.2250738585072014e-308',
      '1.7976931348623157e308',
      '1.7976931348623158e308',
      '1.7976931348623159e308',
      '179769313486231580793728971405301e276',
      '4.9406564584124654e-324',
      '5e-324',
      '2.4703282292062327e-324',
      '2.4703282292062328e-324',
      '1e-400',
      '1e400',
      '0.1',
      '0.10000000000000001',
      '0.10000000000000000555',
      '0.1000000000000000055511151231257827021181583404541015625',
      '0.30000000000000004',
      '0.30000000000000003',
      '-0.30000000000000004441',
      '3.0000000000000004e-1',
      '7.2057594037927933e16',
      '1e23',
      '8.589973e9',
      '123456789012345678901234567890',
      '0.000000000000000000000000000000000000000000000001234567890123456789',
      '-0.00000000000000000000',
      '000000000000000000000000000000000001.5',
      '1.' + '0'.repeat(30),
      '4503599627370496.5',
      '4503599627370497.5',
      '1.2345678901234567e-7',
      '-1.2345678901234567e+22',
      '1e22',
      '1e-22',
      '12345678901234567e-339',
    ]);
  });

  test('every number in the bundled CSVs', () => {
    for (const name of ['diamonds', 'ames', 'concrete']) {
      const text = readFileSync(new URL(`../../examples/data/${name}.csv`, import.meta.url), 'latin1');
      const fields = text.split(/[,\n]/).filter((f) => NUMBER_TEXT.test(f));
      assert.ok(fields.length > 1000, `${name}: ${fields.length} numbers`);
      assertAllExact(fields);
    }
  });

  test('text that is not a number stays NaN', () => {
    for (const t of ['', '.', '-', '+.', 'e5', '1e', '1e+', '--1', 'NA', '1.2.3']) {
      const b = Buffer.from(t);
      assert.ok(Number.isNaN(parseNumberBytes(b, 0, b.length)), JSON.stringify(t));
    }
  });
});

test('DataLoader reads a CSV of 17-digit floats exactly', async () => {
  const rng = new Rng(11);
  const rows = ['a,b,c'];
  for (let k = 0; k < 20_000; k++) {
    const a = String(rng.normal() * 1000);
    const b = String(rng.next() / 7);
    const c = randomDecimal(rng, 17 + rng.int(3), 40);
    rows.push(`${a},"${b}",${c}`);
  }
  const path = tmp.write('long-floats.csv', `${rows.join('\n')}\n`);
  const { frame } = await DataLoader.load(path, { csvEngine: 'tabflow' });
  for (let k = 1; k < rows.length; k++) {
    const want = rows[k].split(',').map((f) => Number(f.replaceAll('"', '')));
    for (const [j, name] of ['a', 'b', 'c'].entries()) {
      const got = frame.cell(name, k - 1);
      if (!Object.is(got, want[j])) assert.fail(`row ${k}, ${name}: ${got} vs ${rows[k]}`);
    }
  }
});
