/**
 * Artifacts are data, never code: versioned JSON. Typed arrays are stored as base64 of their
 * little-endian bytes (exact, compact, byte-identical for identical models); non-finite numbers
 * are spelled out, because `JSON.stringify(NaN)` is `null`.
 */
import { ArtifactError } from './errors.js';

export type EncodedF64 = { dtype: 'f64'; length: number; base64: string };
export type EncodedF32 = { dtype: 'f32'; length: number; base64: string };
export type EncodedI32 = { dtype: 'i32'; length: number; base64: string };
export type EncodedU32 = { dtype: 'u32'; length: number; base64: string };
export type EncodedU8 = { dtype: 'u8'; length: number; base64: string };
export type EncodedArray = EncodedF64 | EncodedF32 | EncodedI32 | EncodedU32 | EncodedU8;

const ctors = {
  f64: Float64Array,
  f32: Float32Array,
  i32: Int32Array,
  u32: Uint32Array,
  u8: Uint8Array,
} as const;

function encode<D extends keyof typeof ctors>(dtype: D, a: ArrayBufferView & { length: number }) {
  const buf = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  return { dtype, length: a.length, base64: buf.toString('base64') };
}

function decode<D extends keyof typeof ctors>(
  dtype: D,
  e: unknown,
  what: string,
): InstanceType<(typeof ctors)[D]> {
  const x = e as EncodedArray;
  if (!x || typeof x !== 'object' || x.dtype !== dtype || typeof x.base64 !== 'string') {
    throw new ArtifactError(
      'bad_array',
      `${what}: expected an encoded ${dtype} array, got ${JSON.stringify(e)?.slice(0, 80)}`,
    );
  }
  const bytes = Buffer.from(x.base64, 'base64');
  const C = ctors[dtype];
  if (bytes.length !== x.length * C.BYTES_PER_ELEMENT) {
    throw new ArtifactError(
      'bad_array',
      `${what}: ${bytes.length} bytes do not hold ${x.length} ${dtype} values`,
    );
  }
  // Copy into a fresh, aligned buffer.
  const out = new C(x.length);
  new Uint8Array(out.buffer).set(bytes);
  return out as InstanceType<(typeof ctors)[D]>;
}

export const encodeF64 = (a: Float64Array): EncodedF64 => encode('f64', a);
export const encodeF32 = (a: Float32Array): EncodedF32 => encode('f32', a);
export const encodeI32 = (a: Int32Array): EncodedI32 => encode('i32', a);
export const encodeU32 = (a: Uint32Array): EncodedU32 => encode('u32', a);
export const encodeU8 = (a: Uint8Array): EncodedU8 => encode('u8', a);
export const decodeF64 = (e: unknown, what = 'array'): Float64Array => decode('f64', e, what);
export const decodeF32 = (e: unknown, what = 'array'): Float32Array => decode('f32', e, what);
export const decodeI32 = (e: unknown, what = 'array'): Int32Array => decode('i32', e, what);
export const decodeU32 = (e: unknown, what = 'array'): Uint32Array => decode('u32', e, what);
export const decodeU8 = (e: unknown, what = 'array'): Uint8Array => decode('u8', e, what);

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
