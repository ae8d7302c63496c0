/**
 * The training set of a retrain: the champion's own training file, plus new labelled rows — a
 * file of fresh data, and/or served inputs whose actuals came back as feedback — written as one
 * CSV under `<models root>/data/`. The file is kept: the new run's metadata names it and hashes
 * it, and the gate rebuilds the run's held-out rows from it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../artifacts/atomic.js';
import { DataError } from '../core/errors.js';
import type { Frame } from '../data/frame.js';
import { DataLoader, type LoadOptions } from '../data/loader.js';
import { type CsvCell, csvLine, frameCsvLines } from '../data/write-csv.js';
import type { LabelledRows } from '../log/feedback.js';

export interface RetrainDataInput {
  /** The champion's training data file (its config's data.path). */
  basePath: string;
  loadOptions: LoadOptions;
  target: string;
  /** A file of new rows with the same columns, target included. */
  newData?: string;
  /** Served inputs joined with their actuals. */
  feedback?: LabelledRows;
  /** Folder the combined file is written to. */
  outDir: string;
  now?: Date;
}

/** The combined data file a retrain trains on, and the rows each source gave. */
export interface RetrainDataReport {
  path: string;
  rows: { base: number; new_file: number; feedback: number; total: number };
  columns: string[];
}

/**
 * Write the data a retrain trains on as one CSV under `<models root>/data/`: the champion's
 * training file plus the new file's rows and labelled feedback.
 */
export async function buildRetrainData(input: RetrainDataInput): Promise<RetrainDataReport> {
  const { target } = input;
  if (!existsSync(input.basePath)) {
    throw new DataError(
      'base_data_missing',
      `The production model was trained on ${input.basePath}, which no longer exists; retrain needs it ` +
        '(restore the file, or train from scratch with tabflow train)',
    );
  }
  const base = (await DataLoader.load(input.basePath, input.loadOptions)).frame;
  const columns = [...base.names];
  const lines: string[] = [csvLine(columns)];
  for (const l of frameCsvLines(base, columns)) lines.push(l);
  let newRows = 0;
  if (input.newData) {
    const fresh = (await DataLoader.load(input.newData, { ...input.loadOptions, target: undefined })).frame;
    checkColumns(fresh, columns, target, input.newData);
    for (const l of frameCsvLines(fresh, columns)) lines.push(l);
    newRows = fresh.nRows;
  }
  let fbRows = 0;
  const fb = input.feedback;
  if (fb) {
    const cells: CsvCell[] = new Array(columns.length);
    for (let i = 0; i < fb.n; i++) {
      const rec = fb.records[i];
      for (let k = 0; k < columns.length; k++) {
        const name = columns[k];
        cells[k] = name === target ? fb.actual[i] : plainCell(rec[name]);
      }
      lines.push(csvLine(cells));
    }
    fbRows = fb.n;
  }
  if (newRows + fbRows === 0) {
    throw new DataError(
      'no_new_rows',
      'Nothing new to retrain on: give --data FILE with new labelled rows, or --from-feedback after ' +
        'actuals were recorded (POST /feedback or tabflow feedback)',
    );
  }
  const stamp = (input.now ?? new Date()).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const path = join(input.outDir, `retrain-${stamp}.csv`);
  writeFileAtomic(path, lines.join(''));
  return {
    path,
    rows: { base: base.nRows, new_file: newRows, feedback: fbRows, total: base.nRows + newRows + fbRows },
    columns,
  };
}

function checkColumns(fresh: Frame, columns: readonly string[], target: string, file: string): void {
  if (!fresh.has(target)) {
    throw new DataError(
      'missing_target',
      `${file} has no target column "${target}": new rows must be labelled to be trained on`,
    );
  }
  const missing = columns.filter((c) => !fresh.has(c));
  const extra = fresh.names.filter((c) => !columns.includes(c));
  if (missing.length || extra.length) {
    throw new DataError(
      'columns_differ',
      `${file} does not have the columns of the training data` +
        (missing.length ? `; missing: ${missing.join(', ')}` : '') +
        (extra.length ? `; not in the training data: ${extra.join(', ')}` : ''),
    );
  }
}

function plainCell(v: unknown): CsvCell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
  return JSON.stringify(v);
}
