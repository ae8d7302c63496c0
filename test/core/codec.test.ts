import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deflateRawSync } from 'node:zlib';
import {
  decodeF64,
  decodeFloats,
  decodeI32,
  decodeInts,
  decodeU8,
  encodeF64,
  encodeFloats,
  encodeI32,
  encodeInts,
  encodeU8,
} from '../../src/core/codec.js';
import { ArtifactError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/random.js';

const isArtifactError = (field: string, re: RegExp) => (e: unknown) =>
  e instanceof ArtifactError && e.message.includes(field) && re.test(e.message);

/** A tree-like value column: few distinct values, so deflate pays. */
function column(n: number): Float64Array {
  const rng = new Rng(3);
  return Float64Array.from({ length: n }, () => Math.round(rng.next() * 50) * 0.25);
}

test('deflate is opt-in, round-trips exactly and is byte-identical for the same array', () => {
  const a = column(20_000);
  const plain = encodeF64(a);
  assert.equal(plain.encoding, undefined, 'without the option the form is unchanged');
  const z = encodeF64(a, { deflate: true });
  assert.equal(z.encoding, 'deflate');
  assert.ok(z.base64.length < plain.base64.length / 4, `${z.base64.length} vs ${plain.base64.length}`);
  assert.deepEqual(decodeF64(z, 'x'), a);
  assert.deepEqual(decodeF64(plain, 'x'), a);
  assert.equal(JSON.stringify(encodeF64(column(20_000), { deflate: true })), JSON.stringify(z));
  // Small arrays stay plain (zlib's fixed cost would not pay), as do arrays deflate cannot shrink.
  assert.equal(encodeF64(a.subarray(0, 100), { deflate: true }).encoding, undefined);
  const rng = new Rng(1);
  const noise = Uint8Array.from({ length: 5000 }, () => Math.floor(rng.next() * 256));
  assert.equal(encodeU8(noise, { deflate: true }).encoding, undefined);
  assert.deepEqual(decodeU8(encodeU8(noise, { deflate: true })), noise);
});

test('a corrupt, short or oversized deflated array is refused with an ArtifactError naming the field', () => {
  const a = column(20_000);
  const z = encodeF64(a, { deflate: true });
  const bytes = Buffer.from(z.base64, 'base64');
  const corrupt = {
    ...z,
    base64: Buffer.from(bytes.map((b, i) => (i < 8 ? b ^ 0xff : b))).toString('base64'),
  };
  assert.throws(
    () => decodeF64(corrupt, 'forest.trees[3].value'),
    isArtifactError('trees[3].value', /corrupt/),
  );
  // Inflates to more than declared: stopped at the declared size, not inflated in full.
  const more = { ...z, length: a.length - 1 };
  assert.throws(() => decodeF64(more, 'm.value'), isArtifactError('m.value', /more than the declared/));
  const fewer = { ...z, length: a.length + 1 };
  assert.throws(() => decodeF64(fewer, 'm.value'), isArtifactError('m.value', /bytes do not hold/));
  // A bomb: 1 GB of zeros declared from a few bytes is refused before inflating.
  const bomb = {
    dtype: 'u8',
    length: 2 ** 30,
    encoding: 'deflate',
    base64: deflateRawSync(Buffer.alloc(16)).toString('base64'),
  };
  assert.throws(
    () => decodeU8(bomb, 'm.missingLeft'),
    isArtifactError('m.missingLeft', /more than \d+ deflated bytes/),
  );
  const other = { ...z, encoding: 'gzip' };
  assert.throws(() => decodeF64(other, 'm.gain'), isArtifactError('m.gain', /unknown encoding "gzip"/));
  assert.throws(
    () => decodeF64({ ...z, length: -1 }, 'm.gain'),
    isArtifactError('m.gain', /expected an encoded f64/),
  );
});

test('integers go in the narrowest dtype that holds them; floats as f32 only when exact', () => {
  assert.equal(encodeInts([0, 1, 255]).dtype, 'u8');
  assert.equal(encodeInts([-1, 0, 127]).dtype, 'i8');
  assert.equal(encodeInts([0, 256]).dtype, 'u16');
  assert.equal(encodeInts([-1, 40_000]).dtype, 'i32');
  assert.equal(encodeInts([0, 2 ** 32 - 1]).dtype, 'u32');
  assert.throws(() => encodeInts([-1, 2 ** 32 - 1]), RangeError);
  for (const v of [
    [0, 255],
    [-128, 5],
    [0, 65_535],
    [-32_768, 3],
    [-(2 ** 31), 2 ** 31 - 1],
    [0, 2 ** 32 - 1],
  ]) {
    assert.deepEqual(decodeInts(encodeInts(v)), Float64Array.from(v));
  }
  // decodeI32 keeps accepting only i32, as before.
  assert.throws(() => decodeI32(encodeInts([1, 2]), 'f'), ArtifactError);
  assert.deepEqual(decodeI32(encodeI32(Int32Array.of(-5, 7))), Int32Array.of(-5, 7));
  const exact = Float64Array.of(0.5, -0, 326, Number.POSITIVE_INFINITY, Number.NaN);
  assert.equal(encodeFloats(exact).dtype, 'f32');
  assert.ok(Object.is(decodeFloats(encodeFloats(exact))[1], -0));
  assert.deepEqual(decodeFloats(encodeFloats(exact)), exact);
  const inexact = Float64Array.of(0.1, 2);
  assert.equal(encodeFloats(inexact).dtype, 'f64');
  assert.deepEqual(decodeFloats(encodeFloats(inexact)), inexact);
  assert.deepEqual(decodeU8(encodeU8(Uint8Array.of(1, 0, 1))), Uint8Array.of(1, 0, 1));
});
