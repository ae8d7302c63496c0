/**
 * Zero-copy views of DuckDB result vectors. `@duckdb/node-api` exposes values one at a time
 * (`getItem`, with BigInt validity checks), which made loading three times slower; its vector
 * classes already hold typed-array views of DuckDB's memory, so we read those fields directly.
 * The fields are private in the typings, hence the guarded casts: a changed layout in a future
 * version fails loudly here rather than producing wrong numbers. Pinned: @duckdb/node-api 1.5.6-r.1.
 */
import type { DuckDBVector } from '@duckdb/node-api';

interface VectorFields {
  items?: Float64Array | BigUint64Array;
  dataView?: DataView;
  validity?: { data: BigUint64Array | null };
}

function fields(v: DuckDBVector): VectorFields {
  return v as unknown as VectorFields;
}

function layoutError(what: string): Error {
  return new Error(`Unexpected @duckdb/node-api vector layout (${what}); the loader needs version 1.5.6-r.1`);
}

/** Validity bitmap as bytes (bit i of byte i>>3 set = row valid), or null when all rows are valid. */
export function validityBytes(v: DuckDBVector): Uint8Array | null {
  const validity = fields(v).validity;
  if (!validity) throw layoutError('validity');
  const d = validity.data;
  return d ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : null;
}

/** The values of a DOUBLE vector. */
export function doubleItems(v: DuckDBVector): Float64Array {
  const items = fields(v).items;
  if (!(items instanceof Float64Array)) throw layoutError('DOUBLE items');
  return items;
}

/** A UBIGINT vector as 32-bit words (little-endian: lo, hi per row). */
export function ubigintWords(v: DuckDBVector): Uint32Array {
  const items = fields(v).items;
  if (!(items instanceof BigUint64Array)) throw layoutError('UBIGINT items');
  return new Uint32Array(items.buffer, items.byteOffset, items.length * 2);
}

/** Raw bytes of a BOOLEAN (one byte per row) or VARCHAR (16-byte string_t per row) vector. */
export function dataBytes(v: DuckDBVector): Uint8Array {
  const dv = fields(v).dataView;
  if (!(dv instanceof DataView)) throw layoutError('dataView');
  return new Uint8Array(dv.buffer, dv.byteOffset, dv.byteLength);
}
