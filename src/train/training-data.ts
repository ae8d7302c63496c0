/**
 * Training data held in memory, as scikit-learn's `fit(X, y)` takes it: records (an array of
 * objects), a columns object (`{carat: [...], price: Float64Array}`) or a Frame, with the target
 * inside it or given apart as `y`. It becomes the same Frame the file loader would give, and a
 * load report whose sha256 is of the canonical records (so the same rows hash alike whichever
 * form they came in, and a run's metadata still says which data it was trained on).
 */
import { createHash } from 'node:crypto';
import { DataError } from '../core/errors.js';
import { type Column, cellValue, columnLength, Frame } from '../data/frame.js';
import { frameFromRecords } from '../data/from-records.js';
import type { LoadReport } from '../data/loader.js';

/** Rows as objects mapping column name to value (JSON, a database driver, an API response). */
export type TrainingRecords = readonly Readonly<Record<string, unknown>>[];
/** Columns by name: plain arrays, or typed arrays for numeric columns. */
export type TrainingColumns = Readonly<Record<string, ArrayLike<unknown>>>;
/** What `TrainingPipeline.fit` takes: records, a columns object or a Frame. */
export type TrainingData = TrainingRecords | TrainingColumns | Frame;

/** Where in-memory data came from, in place of a file format. */
export type InMemoryFormat = 'records' | 'columns' | 'frame';

/** The load report of in-memory data: a LoadReport whose `path` and `format` say "in memory". */
export type InMemoryReport = Omit<LoadReport, 'format'> & { format: InMemoryFormat };

/** What `describeData` is called in messages and in metadata.json's `data.path`. */
export const IN_MEMORY_PATH = '(in memory)';

/**
 * The frame and load report of in-memory data. `y`, when given, becomes column `target` (which
 * must not already be in `X`); without it, `target` must be one of X's columns.
 */
export function loadInMemory(
  X: TrainingData,
  y: ArrayLike<number | null> | undefined,
  target: string,
): { frame: Frame; report: InMemoryReport } {
  const t0 = performance.now();
  const format: InMemoryFormat = X instanceof Frame ? 'frame' : Array.isArray(X) ? 'records' : 'columns';
  let frame =
    format === 'frame'
      ? (X as Frame)
      : format === 'records'
        ? frameFromRecords(X as TrainingRecords, {}, { source: 'the training records' })
        : frameFromColumns(X as TrainingColumns);
  if (frame.nRows === 0) {
    throw new DataError('no_rows', `The training ${format} hold no rows: nothing to train on`);
  }
  if (y !== undefined) frame = withTarget(frame, y, target);
  else if (!frame.has(target)) {
    throw new DataError(
      'missing_target',
      `Target "${target}" is not a column of the training ${format} (columns: ${frame.names.join(', ') || '(none)'}); ` +
        'name one with data.target, or pass the target values as y: fit(X, y)',
    );
  }
  const { sha256, bytes } = canonicalSha256(frame);
  return {
    frame,
    report: {
      path: IN_MEMORY_PATH,
      format,
      sha256,
      bytes,
      rows: frame.nRows,
      columns: frame.names.map((name, j) => ({
        name,
        type: frame.columns[j].type,
        missing: missingCount(frame.columns[j]),
      })),
      seconds: (performance.now() - t0) / 1000,
    },
  };
}

/** A columns object as a Frame: typed arrays as numeric columns, other arrays inferred like records. */
function frameFromColumns(cols: TrainingColumns): Frame {
  if (cols === null || typeof cols !== 'object') {
    throw new DataError('not_records', 'Training data must be records, a columns object or a Frame');
  }
  const names = Object.keys(cols);
  if (names.length === 0) throw new DataError('no_columns', 'The training columns object has no columns');
  const n = cols[names[0]]?.length;
  const columns: Column[] = names.map((name) => {
    const v = cols[name];
    if (v === null || typeof v !== 'object' || typeof v.length !== 'number') {
      throw new DataError(
        'not_a_column',
        `Training column "${name}" is ${v === null ? 'null' : typeof v}: expected an array or a typed array of its values`,
      );
    }
    if (v.length !== n) {
      throw new DataError(
        'column_lengths',
        `Training column "${name}" has ${v.length} values, but "${names[0]}" has ${n}: every column needs one value per row`,
      );
    }
    if (ArrayBuffer.isView(v)) return { type: 'numeric', values: Float64Array.from(v as ArrayLike<number>) };
    // One column at a time through the records path: the same type inference as a JSON file.
    const records = Array.from(v, (x) => ({ [name]: x }));
    return frameFromRecords(records, {}, { source: `training column "${name}"` }).get(name);
  });
  return new Frame(names, columns);
}

function withTarget(frame: Frame, y: ArrayLike<number | null>, target: string): Frame {
  if (frame.has(target)) {
    throw new DataError(
      'target_twice',
      `The training data already has a column "${target}" and y was given too: pass one of them ` +
        '(or name another target with data.target)',
    );
  }
  if (y === null || typeof y !== 'object' || typeof y.length !== 'number') {
    throw new DataError('bad_y', `y must be an array or a typed array of numbers, got ${typeof y}`);
  }
  if (y.length !== frame.nRows) {
    throw new DataError(
      'y_length',
      `y has ${y.length} values but the training data has ${frame.nRows} rows: give one target value per row`,
    );
  }
  const values = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (v !== null && (typeof v !== 'number' || !Number.isFinite(v)) && !Number.isNaN(v)) {
      throw new DataError(
        'target_not_numeric',
        `y[${i}] = ${JSON.stringify(v)} is not a finite number (null or NaN mark a missing target)`,
      );
    }
    values[i] = v === null ? Number.NaN : v;
  }
  return new Frame([...frame.names, target], [...frame.columns, { type: 'numeric', values }]);
}

function missingCount(c: Column): number {
  let m = 0;
  for (let i = 0; i < columnLength(c); i++) if (cellValue(c, i) === null) m++;
  return m;
}

/**
 * sha256 of the frame as canonical records: a JSON header of [name, type] pairs, then one JSON
 * array of cell values per row (missing = null, datetimes as ISO strings), newline-separated.
 */
export function canonicalSha256(frame: Frame): { sha256: string; bytes: number } {
  const h = createHash('sha256');
  let bytes = 0;
  const write = (s: string) => {
    h.update(s);
    bytes += Buffer.byteLength(s);
  };
  write(`${JSON.stringify(frame.names.map((n, j) => [n, frame.columns[j].type]))}\n`);
  const row: unknown[] = new Array(frame.nCols);
  let chunk = '';
  for (let i = 0; i < frame.nRows; i++) {
    for (let j = 0; j < frame.nCols; j++) row[j] = cellValue(frame.columns[j], i);
    chunk += `${JSON.stringify(row)}\n`;
    if (chunk.length > 1 << 16) {
      write(chunk);
      chunk = '';
    }
  }
  write(chunk);
  return { sha256: h.digest('hex'), bytes };
}
