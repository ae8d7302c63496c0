/**
 * Run a DuckDB query and gather its result column-wise into typed arrays. Every column arrives in
 * one of three physical forms, chosen in SQL so DuckDB does the conversion work in parallel:
 * DOUBLE (numeric, and datetime as epoch ms), BOOLEAN, or VARCHAR plus its 64-bit hash
 * (dictionary-encoded here; see string-dictionary.ts).
 */
import type { DuckDBConnection, DuckDBVector } from '@duckdb/node-api';
import { dataBytes, doubleItems, ubigintWords, validityBytes } from './duckdb-vectors.js';
import { BOOL_MISSING, type Column } from './frame.js';
import { StringDictionary } from './string-dictionary.js';

export type ReadKind = 'numeric' | 'datetime' | 'boolean' | 'string';

export interface ColumnPlan {
  name: string;
  kind: ReadKind;
  /** SQL expression yielding DOUBLE (numeric/datetime), BOOLEAN or VARCHAR (string). */
  expr: string;
}

export interface ReadResult {
  columns: Column[];
  rows: number;
}

interface Sink {
  /** Room for `capacity` rows, keeping what was added. */
  grow(capacity: number): Sink;
  add(vector: DuckDBVector, hash: DuckDBVector | null, offset: number, m: number): void;
  finish(rows: number): Column;
}

/** `expectedRows` sizes the arrays up front (a guess is fine: they grow or are trimmed). */
export async function readColumns(
  con: DuckDBConnection,
  from: string,
  plans: ColumnPlan[],
  expectedRows = 1 << 16,
): Promise<ReadResult> {
  const select = plans.map((p, j) => `${p.expr} AS c${j}`);
  // Hash columns go after the value columns; hashAt[j] is the result index of column j's hash.
  // Only strings longer than 12 bytes need a hash (see string-dictionary.ts).
  const hashAt = plans.map((p, j) =>
    p.kind === 'string'
      ? select.push(`CASE WHEN strlen(${p.expr}) > 12 THEN hash(${p.expr}) END AS h${j}`) - 1
      : -1,
  );
  // Materialised, not streamed: a streamed result that fails part way (a late value that does
  // not convert to the column's sampled type) just ends — DuckDB's fetch returns no chunk, not
  // an error — and the rows before it would pass for the whole file. `run` reports the failure,
  // which the readers turn into a wider column type (test: loader-csv "a value late in the
  // file"). On the 1M-row load benchmark: 0.99 s and 394 MB peak RSS (bench/results/
  // load-csv-materialised.json), as before within the noise.
  const result = await con.run(`SELECT ${select.join(', ')} ${from}`);
  let capacity = Math.max(1024, Math.ceil(expectedRows));
  let sinks = plans.map((p) => makeSink(p.kind, capacity));
  let rows = 0;
  // Ask for the next chunk before converting this one, so DuckDB parses while JS converts.
  let next = result.fetchChunk();
  for (;;) {
    const chunk = await next;
    if (!chunk || chunk.rowCount === 0) break;
    next = result.fetchChunk();
    next.catch(() => undefined); // surfaced by the `await` above; never an unhandled rejection
    const m = chunk.rowCount;
    if (rows + m > capacity) {
      capacity = Math.ceil(1.5 * (rows + m));
      sinks = sinks.map((s) => s.grow(capacity));
    }
    for (let j = 0; j < plans.length; j++) {
      const hash = hashAt[j] < 0 ? null : chunk.getColumnVector(hashAt[j]);
      sinks[j].add(chunk.getColumnVector(j), hash, rows, m);
    }
    rows += m;
  }
  return { columns: sinks.map((s) => s.finish(rows)), rows };
}

function makeSink(kind: ReadKind, rows: number): Sink {
  if (kind === 'numeric' || kind === 'datetime') return new DoubleSink(kind, new Float64Array(rows));
  if (kind === 'boolean') return new BooleanSink(new Uint8Array(rows));
  return new StringSink(new Int32Array(rows));
}

function isValid(bits: Uint8Array | null, i: number): boolean {
  return bits === null || ((bits[i >> 3] >> (i & 7)) & 1) === 1;
}

/** `a` with room for `n` elements, keeping its contents (a copy). */
function resized<T extends Float64Array | Uint8Array | Int32Array>(a: T, n: number): T {
  const out = new (a.constructor as new (n: number) => T)(n);
  out.set(n >= a.length ? a : (a.subarray(0, n) as T));
  return out;
}

/**
 * The first `n` elements of `a`. A view when little space is wasted: copying ~70 MB of columns
 * at the end of a 1M-row load cost more (page faults on fresh memory) than the spare 2% is worth.
 */
function trimmed<T extends Float64Array | Uint8Array | Int32Array>(a: T, n: number): T {
  if (a.length === n) return a;
  return n >= 0.9 * a.length ? (a.subarray(0, n) as T) : resized(a, n);
}

class DoubleSink implements Sink {
  constructor(
    private readonly kind: 'numeric' | 'datetime',
    private values: Float64Array,
  ) {}
  grow(capacity: number): Sink {
    this.values = resized(this.values, capacity);
    return this;
  }
  add(vector: DuckDBVector, _hash: DuckDBVector | null, offset: number, m: number): void {
    const out = this.values;
    out.set(doubleItems(vector).subarray(0, m), offset);
    const bits = validityBytes(vector);
    if (bits) for (let i = 0; i < m; i++) if (!isValid(bits, i)) out[offset + i] = Number.NaN;
  }
  finish(rows: number): Column {
    return { type: this.kind, values: trimmed(this.values, rows) };
  }
}

class BooleanSink implements Sink {
  constructor(private values: Uint8Array) {}
  grow(capacity: number): Sink {
    this.values = resized(this.values, capacity);
    return this;
  }
  add(vector: DuckDBVector, _hash: DuckDBVector | null, offset: number, m: number): void {
    const data = dataBytes(vector);
    const bits = validityBytes(vector);
    for (let i = 0; i < m; i++) this.values[offset + i] = isValid(bits, i) ? (data[i] ? 1 : 0) : BOOL_MISSING;
  }
  finish(rows: number): Column {
    return { type: 'boolean', values: trimmed(this.values, rows) };
  }
}

const decoder = new TextDecoder();

class StringSink implements Sink {
  private readonly dict = new StringDictionary();
  constructor(private codes: Int32Array) {}
  grow(capacity: number): Sink {
    this.codes = resized(this.codes, capacity);
    return this;
  }
  add(vector: DuckDBVector, hash: DuckDBVector | null, offset: number, m: number): void {
    const bytes = dataBytes(vector);
    // string_t slots are 16-byte aligned in DuckDB's buffers; copy if a view ever is not.
    const words =
      bytes.byteOffset % 4 === 0
        ? new Uint32Array(bytes.buffer, bytes.byteOffset, m * 4)
        : new Uint32Array(bytes.slice(0, m * 16).buffer);
    const bits = validityBytes(vector);
    const h = hash ? ubigintWords(hash) : null;
    const { codes, dict } = this;
    for (let i = 0; i < m; i++) {
      if (!isValid(bits, i)) {
        codes[offset + i] = -1;
        continue;
      }
      const o = i * 4;
      const len = words[o];
      const long = len > 12;
      const c = long && h ? h[2 * i] : words[o + 2];
      const d = long && h ? h[2 * i + 1] : words[o + 3];
      let code = dict.find(len, words[o + 1], c, d);
      if (code < 0) {
        const s = long
          ? String(vector.getItem(i))
          : decoder.decode(bytes.subarray(i * 16 + 4, i * 16 + 4 + len));
        code = dict.add(len, words[o + 1], c, d, s);
      }
      codes[offset + i] = code;
    }
  }
  finish(rows: number): Column {
    return { type: 'categorical', codes: trimmed(this.codes, rows), dictionary: this.dict.values };
  }
}
