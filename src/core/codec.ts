/**
 * Artifacts are data, never code: versioned JSON. Typed arrays are stored as base64 of their
 * little-endian bytes (exact, compact, byte-identical for identical models); non-finite numbers
 * are spelled out, because `JSON.stringify(NaN)` is `null`.
 *
 * Large arrays may opt in to raw deflate (`encoding: 'deflate'`) at a fixed level, so the bytes stay
 * identical for identical models; decoders accept both forms, and inflate no more than the declared
 * length, so a crafted artifact cannot balloon memory.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { ArtifactError } from './errors.js';

type Enc<D extends string> = { dtype: D; length: number; encoding?: 'deflate'; base64: string };
export type EncodedF64 = Enc<'f64'>;
export type EncodedF32 = Enc<'f32'>;
export type EncodedI32 = Enc<'i32'>;
export type EncodedU32 = Enc<'u32'>;
export type EncodedI16 = Enc<'i16'>;
export type EncodedU16 = Enc<'u16'>;
export type EncodedI8 = Enc<'i8'>;
export type EncodedU8 = Enc<'u8'>;
export type EncodedArray =
  | EncodedF64
  | EncodedF32
  | EncodedI32
  | EncodedU32
  | EncodedI16
  | EncodedU16
  | EncodedI8
  | EncodedU8;

const ctors = {
  f64: Float64Array,
  f32: Float32Array,
  i32: Int32Array,
  u32: Uint32Array,
  i16: Int16Array,
  u16: Uint16Array,
  i8: Int8Array,
  u8: Uint8Array,
} as const;
export type Dtype = keyof typeof ctors;

/** Options of the encoders: `deflate` compresses arrays of at least `minBytes` bytes (default 4 KiB). */
export interface EncodeOptions {
  deflate?: boolean;
  minBytes?: number;
}

/** Fixed, so the same array always deflates to the same bytes; 3: level 6 is ~3x slower for ~3 % less. */
const DEFLATE_LEVEL = 3;
const DEFLATE_MIN_BYTES = 4096;
/** Raw deflate cannot expand data more than ~1032:1; a larger declared ratio is a crafted artifact. */
const MAX_INFLATE_RATIO = 1032;

let deflateInThisThread = true;

/**
 * Never deflate in this thread: for threads whose JSON is only a transport to another thread
 * (fit workers), where compressing costs time on both sides and saves nothing. Artifacts are
 * written by the thread that loads the model back, which deflates as usual.
 */
export function skipDeflateInThisThread(): void {
  deflateInThisThread = false;
}

function encode<D extends Dtype>(
  dtype: D,
  a: ArrayBufferView & { length: number },
  o?: EncodeOptions,
): Enc<D> {
  const buf = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  if (o?.deflate && deflateInThisThread && buf.length >= (o.minBytes ?? DEFLATE_MIN_BYTES)) {
    const z = deflateRawSync(buf, { level: DEFLATE_LEVEL });
    // Keep the plain form when deflate does not pay (random mantissas).
    if (z.length < buf.length) {
      return { dtype, length: a.length, encoding: 'deflate', base64: z.toString('base64') };
    }
  }
  return { dtype, length: a.length, base64: buf.toString('base64') };
}

const badArray = (what: string, msg: string) => new ArtifactError('bad_array', `${what}: ${msg}`);

function inflate(z: Buffer, want: number, what: string): Buffer {
  if (want > z.length * MAX_INFLATE_RATIO + 1024) {
    throw badArray(what, `declares ${want} bytes, more than ${z.length} deflated bytes can hold`);
  }
  try {
    // maxOutputLength stops inflating past the declared size instead of growing to the bomb's size.
    return inflateRawSync(z, { maxOutputLength: Math.max(1, want) });
  } catch (err) {
    const why = (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? 'more than' : 'not';
    throw badArray(what, `deflated data is corrupt or inflates to ${why} the declared ${want} bytes`);
  }
}

/** Decode an array stored with `dtype` (one of `accept`) into a fresh, aligned typed array. */
function decodeRaw(e: unknown, accept: readonly Dtype[], what: string) {
  const x = e as EncodedArray;
  if (
    !x ||
    typeof x !== 'object' ||
    !accept.includes(x.dtype) ||
    typeof x.base64 !== 'string' ||
    !Number.isSafeInteger(x.length) ||
    x.length < 0
  ) {
    throw badArray(
      what,
      `expected an encoded ${accept.join('|')} array, got ${JSON.stringify(e)?.slice(0, 80)}`,
    );
  }
  const C = ctors[x.dtype];
  const want = x.length * C.BYTES_PER_ELEMENT;
  let bytes: Buffer = Buffer.from(x.base64, 'base64');
  if (x.encoding === 'deflate') bytes = inflate(bytes, want, what);
  else if (x.encoding !== undefined) {
    throw badArray(what, `unknown encoding ${JSON.stringify(x.encoding)}; allowed: deflate or none`);
  }
  if (bytes.length !== want)
    throw badArray(what, `${bytes.length} bytes do not hold ${x.length} ${x.dtype} values`);
  // Copy into a fresh, aligned buffer.
  const out = new C(x.length);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

function decode<D extends Dtype>(dtype: D, e: unknown, what: string): InstanceType<(typeof ctors)[D]> {
  return decodeRaw(e, [dtype], what) as InstanceType<(typeof ctors)[D]>;
}

export const encodeF64 = (a: Float64Array, o?: EncodeOptions): EncodedF64 => encode('f64', a, o);
export const encodeF32 = (a: Float32Array, o?: EncodeOptions): EncodedF32 => encode('f32', a, o);
export const encodeI32 = (a: Int32Array, o?: EncodeOptions): EncodedI32 => encode('i32', a, o);
export const encodeU32 = (a: Uint32Array, o?: EncodeOptions): EncodedU32 => encode('u32', a, o);
export const encodeI16 = (a: Int16Array, o?: EncodeOptions): EncodedI16 => encode('i16', a, o);
export const encodeU16 = (a: Uint16Array, o?: EncodeOptions): EncodedU16 => encode('u16', a, o);
export const encodeI8 = (a: Int8Array, o?: EncodeOptions): EncodedI8 => encode('i8', a, o);
export const encodeU8 = (a: Uint8Array, o?: EncodeOptions): EncodedU8 => encode('u8', a, o);
export const decodeF64 = (e: unknown, what = 'array'): Float64Array => decode('f64', e, what);
export const decodeF32 = (e: unknown, what = 'array'): Float32Array => decode('f32', e, what);
export const decodeI32 = (e: unknown, what = 'array'): Int32Array => decode('i32', e, what);
export const decodeU32 = (e: unknown, what = 'array'): Uint32Array => decode('u32', e, what);
export const decodeI16 = (e: unknown, what = 'array'): Int16Array => decode('i16', e, what);
export const decodeU16 = (e: unknown, what = 'array'): Uint16Array => decode('u16', e, what);
export const decodeI8 = (e: unknown, what = 'array'): Int8Array => decode('i8', e, what);
export const decodeU8 = (e: unknown, what = 'array'): Uint8Array => decode('u8', e, what);

const INT_DTYPES = ['u8', 'i8', 'u16', 'i16', 'i32', 'u32'] as const;

/**
 * Integers in the narrowest dtype that holds them all exactly (u8, i8, u16, i16, i32, else u32).
 * Throws a RangeError for a value no 32-bit integer dtype holds.
 */
export function encodeInts(a: ArrayLike<number>, o?: EncodeOptions): EncodedArray {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  for (const d of INT_DTYPES) {
    const C = ctors[d];
    const t = new C(a.length);
    if (C.from([lo, hi]).join() !== [lo, hi].join()) continue;
    t.set(a);
    return encode(d, t, o);
  }
  throw new RangeError(`integers from ${lo} to ${hi} fit no 32-bit dtype`);
}

/** Integers stored in any integer dtype, widened to float64 (every 32-bit integer is exact there). */
export function decodeInts(e: unknown, what = 'array'): Float64Array {
  return Float64Array.from(decodeRaw(e, INT_DTYPES, what));
}

/** Floats stored as f64, or as f32 when that was exact, widened to float64. */
export function decodeFloats(e: unknown, what = 'array'): Float64Array {
  const a = decodeRaw(e, ['f64', 'f32'], what);
  return a instanceof Float64Array ? a : Float64Array.from(a);
}

/** Floats as f32 when every value survives the round trip bit for bit (NaN aside), else f64. */
export function encodeFloats(a: Float64Array, o?: EncodeOptions): EncodedF64 | EncodedF32 {
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (!Object.is(Math.fround(v), v)) return encode('f64', a, o);
  }
  return encode('f32', Float32Array.from(a), o);
}

/** A number that survives JSON: finite numbers as is, others as the strings "NaN", "Infinity", "-Infinity". */
export type JsonNumber = number | 'NaN' | 'Infinity' | '-Infinity';

export function encodeNumber(x: number): JsonNumber {
  if (Number.isFinite(x)) return x;
  if (Number.isNaN(x)) return 'NaN';
  return x > 0 ? 'Infinity' : '-Infinity';
}

export function decodeNumber(x: unknown, what = 'number'): number {
  if (typeof x === 'number') return x;
  if (x === 'NaN') return Number.NaN;
  if (x === 'Infinity') return Number.POSITIVE_INFINITY;
  if (x === '-Infinity') return Number.NEGATIVE_INFINITY;
  throw new ArtifactError('bad_number', `${what}: expected a number, got ${JSON.stringify(x)}`);
}

/**
 * The envelope every serialisable component uses: `{kind, formatVersion, params, state}`.
 * `kind` selects the loader in a registry; `formatVersion` guards against artifacts written by a
 * newer tabflow.
 */
export interface Serialized<P = unknown, S = unknown> {
  kind: string;
  formatVersion: number;
  params: P;
  state: S;
}

export function checkEnvelope(json: unknown, kind: string, maxVersion: number): Serialized {
  const e = json as Serialized;
  if (!e || typeof e !== 'object' || typeof e.kind !== 'string') {
    throw new ArtifactError(
      'bad_envelope',
      `Not a tabflow artifact: expected {kind, formatVersion, params, state}`,
    );
  }
  if (e.kind !== kind) {
    throw new ArtifactError('wrong_kind', `Expected an artifact of kind "${kind}", got "${e.kind}"`);
  }
  if (typeof e.formatVersion !== 'number' || e.formatVersion > maxVersion || e.formatVersion < 1) {
    throw new ArtifactError(
      'unsupported_version',
      `Artifact "${kind}" has formatVersion ${e.formatVersion}; this tabflow reads versions 1..${maxVersion}. Upgrade tabflow to load it.`,
    );
  }
  return e;
}

/** Deterministic JSON: stable key order as written by the component, 2-space indent, trailing newline. */
export function stringifyArtifact(x: unknown): string {
  return `${JSON.stringify(x, null, 1)}\n`;
}
