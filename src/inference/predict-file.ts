/**
 * Batch prediction of a data file: read it with the DataLoader (any format it reads), predict in
 * chunks, and write predictions beside an id column (kept from the input when it has one) or the
 * row number, atomically. Large CSV/TSV/NDJSON files are streamed: cut into pieces of whole
 * records that are loaded, validated and predicted one at a time, so memory stays bounded.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { DataError } from '../core/errors.js';
import { readBom, transcodeToUtf8 } from '../data/encoding.js';
import { formatOfExtension } from '../data/format.js';
import { cellValue, type Frame } from '../data/frame.js';
import { DataLoader, type LoadOptions } from '../data/loader.js';
import { ExplainPool } from './explain-pool.js';
import { fileChunks } from './file-chunks.js';
import type { BatchPrediction, InferencePipeline } from './inference-pipeline.js';
import { type ContractIssue, emptySummary, mergeSummaries, type ValidationSummary } from './issues.js';
import { type Cell, createWriter, type PredictionWriter } from './prediction-writer.js';

/**
 * How `predictFile` writes: the output file, intervals and attributions, chunk size, id column and
 * validation policy.
 */
export interface PredictFileOptions {
  /** Output file (.csv .json .ndjson .parquet). */
  out: string;
  /**
   * Write the conformal interval (`lower`, `upper`, and its nominal `coverage` in every predicted
   * row) when the run was calibrated. Default true: a prediction comes with its interval.
   */
  interval?: boolean;
  /** Per-input attributions (`attr_<column>`) and `base_value`; slow, so opt-in. */
  explain?: boolean;
  /**
   * Threads that compute the attributions (default: one per CPU core; 0: this thread). Each loads
   * the model; the numbers are the same whatever the count.
   */
  explainThreads?: number;
  /** Rows per chunk (default 65,536). */
  chunkRows?: number;
  /** CSV/NDJSON files of at least this many bytes are streamed (default 64 MiB). */
  streamBytes?: number;
  /**
   * Rows done so far and the `fraction` of the work done (of the input read, for streamed files,
   * which do not know their row count). With `explain` it is also called as blocks of rows are
   * explained, not only once per chunk.
   */
  onProgress?: (done: number, fraction: number) => void;
  /** Issues kept for the report (all are counted in the summary; default 1,000). */
  maxIssues?: number;
}

/**
 * What `predictFile` did: rows written, the validation summary and issues, and the columns of the
 * output.
 */
export interface PredictFileResult {
  rows: number;
  summary: ValidationSummary;
  issues: ContractIssue[];
  idColumn: string | null;
  columns: string[];
  streamed: boolean;
  seconds: number;
}

const ID_NAMES = ['id', 'ID', 'Id'];
const DEFAULT_STREAM_BYTES = 64 * 2 ** 20;

/**
 * Batch predictions of a data file with a saved run: read in chunks (streamed when large),
 * validated against the contract and written atomically.
 */
export async function predictFile(
  pipeline: InferencePipeline,
  dataPath: string,
  opts: PredictFileOptions,
): Promise<PredictFileResult> {
  const t0 = performance.now();
  const chunk = Math.max(1, opts.chunkRows ?? 65_536);
  const format = formatOfExtension(dataPath);
  const streamable = format === 'csv' || format === 'ndjson';
  const streamed = streamable && fileSize(dataPath) >= (opts.streamBytes ?? DEFAULT_STREAM_BYTES);
  const sink = new ChunkSink(pipeline, dataPath, opts);
  try {
    if (streamed) {
      const dir = mkdtempSync(join(tmpdir(), 'tabflow-predict-'));
      try {
        // Pieces are cut at newline bytes: a UTF-16 file is made UTF-8 first.
        const source = await utf8Source(dataPath, dir);
        const size = fileSize(source);
        let before = 0;
        for await (const piece of fileChunks(source, chunk, dir, { header: format === 'csv' })) {
          const frame = await loadForContract(piece.file, pipeline);
          const after = piece.bytesRead / size;
          await sink.add(frame, (rows) => before + ((after - before) * rows) / frame.nRows);
          rmSync(piece.file, { force: true });
          before = after;
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    } else {
      const frame = await loadForContract(dataPath, pipeline);
      for (let start = 0; start < frame.nRows; start += chunk) {
        const end = Math.min(frame.nRows, start + chunk);
        const part = start === 0 && end === frame.nRows ? frame : frame.take(range(start, end));
        await sink.add(part, (rows) => (start + rows) / frame.nRows);
      }
    }
    await sink.finish();
  } catch (e) {
    sink.abort();
    throw e;
  } finally {
    await sink.close();
  }
  return { ...sink.result(), streamed, seconds: (performance.now() - t0) / 1000 };
}

/** Predicts chunk after chunk into one writer, merging the validation summaries. */
class ChunkSink {
  rows = 0;
  private pool: ExplainPool | null = null;
  private summary = emptySummary();
  private readonly issues: ContractIssue[] = [];
  private writer: PredictionWriter | null = null;
  private columns: string[] = [];
  private idColumn: string | undefined;

  constructor(
    private readonly p: InferencePipeline,
    private readonly path: string,
    private readonly opts: PredictFileOptions,
  ) {}

  /** Predict (and explain) one chunk; `fraction(rows)` is the work done once `rows` of it are. */
  async add(part: Frame, fraction: (rows: number) => number): Promise<void> {
    const first = this.writer === null;
    if (first)
      this.idColumn = ID_NAMES.find(
        (n) => part.has(n) && !this.p.contract.features.some((f) => f.name === n),
      );
    const start = this.rows;
    const explain = this.opts.explain === true && this.p.canExplain;
    const b = this.p.predictFrame(part, {
      interval: this.opts.interval !== false,
      matrix: explain,
      ignore: this.idColumn ? [this.idColumn] : [],
      rowOffset: start,
    });
    if (first) refuseBadFile(b.issues, this.p, this.path);
    const progress = (rows: number) => this.opts.onProgress?.(start + rows, fraction(rows));
    if (explain) {
      this.pool ??= new ExplainPool(this.p, this.opts.explainThreads ?? availableParallelism());
      b.attributions = await this.pool.explain(b.X!, start, progress);
    } else progress(part.nRows);
    if (first) {
      this.columns = [
        this.idColumn ?? 'row',
        'prediction',
        ...(b.interval ? ['lower', 'upper', 'coverage'] : []),
        'status',
        'issues',
        ...(b.attributions ? [...b.attributions.names.map((a) => `attr_${a}`), 'base_value'] : []),
      ];
      this.writer = createWriter(this.opts.out, this.columns);
    }
    this.writer!.write(chunkCells(part, b, this.idColumn, start), part.nRows);
    this.summary = mergeSummaries(this.summary, b.summary);
    const max = this.opts.maxIssues ?? 1000;
    for (const is of b.issues) {
      if (this.issues.length >= max) break;
      // File-level issues (row -1) repeat in every chunk: keep the first chunk's.
      if (is.row >= 0 || first) this.issues.push(is);
    }
    this.rows += part.nRows;
  }

  async finish(): Promise<void> {
    if (!this.writer) throw new DataError('empty_input', `${this.path} has no rows to predict`);
    await this.writer.finish();
  }

  abort(): void {
    this.writer?.abort();
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }

  result() {
    return {
      rows: this.rows,
      summary: this.summary,
      issues: this.issues,
      idColumn: this.idColumn ?? null,
      columns: this.columns,
    };
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0; // the DataLoader reports a missing file with its own message
  }
}

/**
 * The file as a frame. A batch may have a column with no value (all missing: reported per row,
 * not a load error), and a categorical feature whose values happen to all look like numbers is
 * re-read as text, so "007" stays "007" instead of becoming the level "7".
 */
async function loadForContract(path: string, p: InferencePipeline): Promise<Frame> {
  const text = textOptions(p);
  const { frame } = await DataLoader.load(path, { allowEmptyColumns: true, ...text });
  const retype = p.contract.features.filter(
    (f) => f.type === 'categorical' && frame.has(f.name) && frame.typeOf(f.name) !== 'categorical',
  );
  if (!retype.length) return frame;
  const types = Object.fromEntries(retype.map((f) => [f.name, 'categorical' as const]));
  return (await DataLoader.load(path, { allowEmptyColumns: true, types, ...text })).frame;
}

/**
 * Read input files as the run read its training data: its data.decimal, and its encoding when the
 * config pinned a single-byte one; otherwise auto, which detects UTF-16 and non-UTF-8 files per
 * file as training did (a run that fell back to windows-1252 has an encoding_note).
 */
function textOptions(p: InferencePipeline): Pick<LoadOptions, 'decimal' | 'encoding'> {
  const data = p.metadata.data;
  const decimal = data.decimal === ',' ? ',' : '.';
  const pinned = (data.encoding === 'latin1' || data.encoding === 'windows-1252') && !data.encoding_note;
  return { decimal, encoding: pinned ? (data.encoding as 'latin1' | 'windows-1252') : 'auto' };
}

/** `path`, or a UTF-8 copy of it in `dir` when it starts with a UTF-16 byte-order mark. */
async function utf8Source(path: string, dir: string): Promise<string> {
  const bom = await readBom(path);
  if (bom !== 'utf-16le' && bom !== 'utf-16be') return path;
  const out = join(dir, `utf8-${basename(path)}`);
  await transcodeToUtf8(path, bom, out);
  return out;
}

/** A file missing a required column (under a reject policy) cannot be predicted at all. */
function refuseBadFile(issues: readonly ContractIssue[], p: InferencePipeline, path: string): void {
  const fatal = issues.filter((i) => i.row === -1 && p.policy[i.code] === 'reject');
  if (!fatal.length) return;
  const missing = fatal.filter((i) => i.code === 'missing_feature').map((i) => i.field);
  const other = fatal.filter((i) => i.code !== 'missing_feature').map((i) => `  - ${i.message}`);
  const expected = p.contract.features.map((f) => f.name);
  throw new DataError(
    'bad_input_file',
    `${path} cannot be predicted by model ${p.modelName} (run ${p.runId}):` +
      (missing.length ? `\n  - missing required column(s): ${missing.join(', ')}` : '') +
      (other.length ? `\n${other.join('\n')}` : '') +
      `\n  The model expects: ${expected.join(', ')}`,
  );
}

function chunkCells(part: Frame, b: BatchPrediction, idColumn: string | undefined, start: number): Cell[][] {
  const rows = part.nRows;
  const id: Cell[] = new Array(rows);
  if (idColumn) {
    const col = part.get(idColumn);
    for (let i = 0; i < rows; i++) id[i] = cellValue(col, i);
  } else for (let i = 0; i < rows; i++) id[i] = start + i;
  const perRow: string[] = new Array(rows).fill('');
  for (const is of b.issues) {
    if (is.row < 0) continue;
    const i = is.row - start;
    perRow[i] += `${perRow[i] ? ';' : ''}${is.field}:${is.code}`;
  }
  const out: Cell[][] = [id, Array.from(b.prediction)];
  if (b.interval) {
    const { lower, upper, coverage } = b.interval;
    out.push(
      Array.from(lower),
      Array.from(upper),
      Array.from(b.rejected, (r) => (r ? null : coverage)),
    );
  }
  out.push(
    Array.from(b.rejected, (r) => (r ? 'rejected' : 'ok')),
    perRow,
  );
  if (b.attributions) {
    const { names, values, baseValue } = b.attributions;
    const k = names.length;
    names.forEach((_, j) => {
      out.push(Array.from({ length: rows }, (_, i) => (b.rejected[i] ? null : values[i * k + j])));
    });
    out.push(Array.from({ length: rows }, (_, i) => (b.rejected[i] ? null : baseValue)));
  }
  return out;
}

function range(a: number, b: number): Uint32Array {
  const idx = new Uint32Array(b - a);
  for (let i = 0; i < idx.length; i++) idx[i] = a + i;
  return idx;
}
