/**
 * Batch prediction of a data file: read it with the DataLoader (any format it reads), predict in
 * chunks (bounded memory for the model matrix, progress between chunks), and write predictions
 * beside an id column (kept from the input when it has one) or the row number.
 */
import { DataError } from '../core/errors.js';
import { cellValue, type Frame } from '../data/frame.js';
import { DataLoader } from '../data/loader.js';
import type { InferencePipeline } from './inference-pipeline.js';
import { type ContractIssue, emptySummary, mergeSummaries, type ValidationSummary } from './issues.js';
import { type Cell, createWriter, type PredictionWriter } from './prediction-writer.js';

export interface PredictFileOptions {
  /** Output file (.csv .json .ndjson .parquet). */
  out: string;
  interval?: boolean;
  explain?: boolean;
  /** Rows per chunk (default 65,536). */
  chunkRows?: number;
  onProgress?: (done: number, total: number) => void;
  /** Issues kept for the report (all are counted in the summary; default 1,000). */
  maxIssues?: number;
}

export interface PredictFileResult {
  rows: number;
  summary: ValidationSummary;
  issues: ContractIssue[];
  idColumn: string | null;
  columns: string[];
  seconds: { load: number; predict: number };
}

const ID_NAMES = ['id', 'ID', 'Id'];

export async function predictFile(
  pipeline: InferencePipeline,
  dataPath: string,
  opts: PredictFileOptions,
): Promise<PredictFileResult> {
  const t0 = performance.now();
  const frame = await loadForContract(dataPath, pipeline);
  const t1 = performance.now();
  const idColumn = ID_NAMES.find(
    (n) => frame.has(n) && !pipeline.contract.features.some((f) => f.name === n),
  );
  const chunk = Math.max(1, opts.chunkRows ?? 65_536);
  const maxIssues = opts.maxIssues ?? 1000;
  const n = frame.nRows;
  let summary = emptySummary();
  const issues: ContractIssue[] = [];
  let writer: PredictionWriter | null = null;
  let columns: string[] = [];
  try {
    for (let start = 0; start < n; start += chunk) {
      const end = Math.min(n, start + chunk);
      const part = start === 0 && end === n ? frame : frame.take(range(start, end));
      const b = pipeline.predictFrame(part, {
        interval: opts.interval,
        explain: opts.explain,
        ignore: idColumn ? [idColumn] : [],
        rowOffset: start,
      });
      if (start === 0) refuseBadFile(b.issues, pipeline, dataPath);
      if (!writer) {
        columns = [
          idColumn ?? 'row',
          'prediction',
          ...(b.interval ? ['lower', 'upper'] : []),
          'status',
          'issues',
          ...(b.attributions ? [...b.attributions.names.map((a) => `attr_${a}`), 'base_value'] : []),
        ];
        writer = createWriter(opts.out, columns);
      }
      writer.write(chunkCells(part, b, idColumn, start), end - start);
      summary = mergeSummaries(summary, b.summary);
      for (const is of b.issues) {
        if (issues.length >= maxIssues) break;
        if (is.row >= 0 || start === 0) issues.push(is);
      }
      opts.onProgress?.(end, n);
    }
    if (!writer) throw new DataError('empty_input', `${dataPath} has no rows to predict`);
    await writer.finish();
  } catch (e) {
    writer?.abort();
    throw e;
  }
  return {
    rows: n,
    summary,
    issues,
    idColumn: idColumn ?? null,
    columns,
    seconds: { load: (t1 - t0) / 1000, predict: (performance.now() - t1) / 1000 },
  };
}

/**
 * The file as a frame. A batch may have a column with no value (all missing: reported per row,
 * not a load error), and a categorical feature whose values happen to all look like numbers is
 * re-read as text, so "007" stays "007" instead of becoming the level "7".
 */
async function loadForContract(path: string, p: InferencePipeline): Promise<Frame> {
  const { frame } = await DataLoader.load(path, { allowEmptyColumns: true });
  const retype = p.contract.features.filter(
    (f) => f.type === 'categorical' && frame.has(f.name) && frame.typeOf(f.name) !== 'categorical',
  );
  if (!retype.length) return frame;
  const types = Object.fromEntries(retype.map((f) => [f.name, 'categorical' as const]));
  return (await DataLoader.load(path, { allowEmptyColumns: true, types })).frame;
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

function chunkCells(
  part: Frame,
  b: ReturnType<InferencePipeline['predictFrame']>,
  idColumn: string | undefined,
  start: number,
): Cell[][] {
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
  if (b.interval) out.push(Array.from(b.interval.lower), Array.from(b.interval.upper));
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
