/**
 * The rows the production gate scores: rows NEITHER model was trained or tuned on. Sources, in
 * order: the candidate's TEST rows, production's TEST rows (each rebuilt from its run's own config
 * and checked against the hashes it recorded), and recent labelled feedback from the prediction
 * log; minus every row either run fitted on (its TRAIN or VAL rows), and each row once.
 *
 * "The same row" is decided by position when both rows come from the same cleaned data file (same
 * sha256, load options and cleaning: the split's own row identities), and by content otherwise —
 * the models' input columns and the target, compared as values — so a run trained on another file
 * (a subset, a retrain's combined file) or a logged request is matched to the rows it repeats.
 */
import { existsSync } from 'node:fs';
import type { MetadataJson } from '../artifacts/run-folder.js';
import { DataError } from '../core/errors.js';
import { loadOptionsOf } from '../data/data-config.js';
import { type Column, cellValue, type Frame } from '../data/frame.js';
import type { InferencePipeline } from '../inference/inference-pipeline.js';
import { FeedbackStore, type LabelledRows } from '../log/feedback.js';
import { storeExists } from '../store/open-stores.js';
import { redact, storeUriOf } from '../store/store-uri.js';
import { type HeldOutRows, heldOutParts, readHeldOutConfig } from './held-out.js';

/** Feedback older than this is not "recent": the gate leaves it out. */
export const GATE_FEEDBACK_DAYS = 30;
/** At most this many (the newest) labelled feedback rows join the gate's rows. */
export const GATE_FEEDBACK_MAX_ROWS = 10_000;

/** What one source of rows gave the gate. */
export interface GateRowSource {
  /** `test-of-v2`, `test-of-v1`, `feedback`, `file:<path>`. */
  source: string;
  /** Rows the source holds. */
  offered: number;
  /** Rows both models scored. */
  used: number;
  /** Rows the candidate was trained or tuned on (left out). */
  seen_by_candidate: number;
  /** Rows production was trained or tuned on (left out). */
  seen_by_incumbent: number;
  /** Rows an earlier source already gave (a row both runs held out counts once). */
  duplicates: number;
  /** Rows either model's data contract rejected, or without a finite target (left out). */
  rejected: number;
}

/** Both models' predictions on the rows used, and where the rows came from. */
export interface ScoredRows {
  y: Float64Array;
  candidate: Float64Array;
  incumbent: Float64Array;
  sources: GateRowSource[];
  /** Why a source gave nothing (no prediction log, no recent feedback), for messages. */
  notes: string[];
}

/** A model the gate scores: its pipeline, folder and label. */
export interface Model {
  pipeline: InferencePipeline;
  dir: string;
  /** `v2`, or `production` when the version is unknown. */
  name: string;
}

/** Which labelled feedback of the prediction log joins the gate's rows. */
export interface FeedbackOptions {
  /** The prediction log: a file or a store URI (one that does not exist: no feedback rows). */
  file: string;
  /** Only feedback recorded at or after this time, ms since the epoch. */
  since: number;
  maxRows: number;
}

/** One run's split, rebuilt: its TEST rows and what it fitted on. */
interface RunRows {
  model: Model;
  /** Identifies the cleaned frame the row indices point into. */
  frameId: string;
  test: HeldOutRows;
  fitted: HeldOutRows[];
  /** 1 at the cleaned-frame index of every TRAIN or VAL row. */
  fittedAt: Uint8Array;
  /** Content keys of the TRAIN and VAL rows, built on first need. */
  keys?: Set<string>;
}

/**
 * Where this host reads the training data of the run in `runDir` (verified by the sha256 the run
 * recorded either way): by default the file its config names; a serving node's copy fetched from
 * the artifact store otherwise.
 */
export type DataFileOf = (runDir: string) => Promise<string>;

/** Rows neither model fitted on, scored by both. Throws `gate_no_rows` when there are none. */
export async function heldOutByBoth(
  cand: Model,
  inc: Model,
  feedback: FeedbackOptions | null,
  dataFile?: DataFileOf,
): Promise<ScoredRows> {
  const runs = [await runRows(cand, dataFile), await runRows(inc, dataFile)] as const;
  const keyCols = keyColumns(cand, inc, [
    ...runs.map((r) => r.test.features),
    ...runs.flatMap((r) => r.fitted.map((p) => p.features)),
  ]);
  const out = new Collector([cand, inc], runs, keyCols);
  for (const r of runs) out.addFrame(`test-of-${r.model.name}`, r.frameId, r.test);
  if (feedback) await out.addFeedback(feedback);
  return out.result(cand.name, inc.name);
}

/** Every row of a labelled file (`--eval-data`), scored by both models as given. */
export function fileScored(path: string, features: Frame, y: Float64Array, cand: Model, inc: Model) {
  const out = new Collector([cand, inc], null, []);
  out.score(
    `file:${path}`,
    features,
    y,
    Array.from(y, (_, i) => i),
    blankSource(`file:${path}`, y.length),
  );
  return out.result(cand.name, inc.name);
}

async function runRows(model: Model, dataFile?: DataFileOf): Promise<RunRows> {
  const meta: MetadataJson = model.pipeline.metadata;
  const cfg = readHeldOutConfig(model.dir);
  const path = cfg.data.path;
  const why = `The gate scores both models on rows neither was trained on, so it rebuilds ${model.name}'s split`;
  if (path && !dataFile && !existsSync(path)) {
    throw new DataError(
      'gate_data_missing',
      `${why} from its training data ${path}, which cannot be found from ${process.cwd()} (a relative ` +
        'path is relative to where it was trained): run from there, or pass --eval-data FILE',
    );
  }
  const hashes = (meta.split as { hashes?: Record<string, string> } | undefined)?.hashes ?? {};
  let parts: HeldOutRows[];
  try {
    // A run trained from memory names no file: heldOutParts says so, wherever the gate runs.
    const file = path && dataFile ? await dataFile(model.dir) : undefined;
    parts = await heldOutParts(cfg, ['train', 'val', 'test'], {
      dataSha256: meta.data.sha256,
      splitHashes: { train: hashes.train, val: hashes.val, test: hashes.test },
      file,
    });
  } catch (e) {
    if (e instanceof DataError) throw new DataError(e.code, `${why}: ${e.message}`);
    throw e;
  }
  const [train, val, test] = parts;
  let size = 0;
  for (const p of parts) for (const i of p.rows) size = Math.max(size, i + 1);
  const fittedAt = new Uint8Array(size);
  for (const p of [train, val]) for (const i of p.rows) fittedAt[i] = 1;
  const frameId = JSON.stringify([meta.data.sha256, loadOptionsOf(cfg), cfg.cleaning]);
  return { model, frameId, test, fitted: [train, val], fittedAt };
}

/** The models' input columns present in every frame: what a row's content is compared on. */
function keyColumns(a: Model, b: Model, frames: Frame[]): string[] {
  const names = new Set(
    [...a.pipeline.metadata.features, ...b.pipeline.metadata.features].map((f) => f.name),
  );
  return [...names].filter((n) => frames.every((f) => f.has(n))).sort();
}

/** A cell as compared across files and JSON: numbers as numbers, blank as missing. */
function norm(v: unknown): string | number | boolean | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'boolean') return v;
  if (typeof v !== 'string') return null;
  const t = v.trim();
  if (t === '') return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

function frameKeys(f: Frame, names: string[], y: Float64Array): (i: number) => string {
  const cols: Column[] = names.map((n) => f.get(n));
  return (i) => JSON.stringify([cols.map((c) => norm(cellValue(c, i))), y[i]]);
}

/** `test-of-v1: 412 rows, 40 used, 370 trained on by v2, 2 rejected`. */
export function describeSource(s: GateRowSource, cand = 'the candidate', inc = 'production'): string {
  const parts = [`${s.offered} rows`, `${s.used} used`];
  if (s.seen_by_candidate) parts.push(`${s.seen_by_candidate} trained on by ${cand}`);
  if (s.seen_by_incumbent) parts.push(`${s.seen_by_incumbent} trained on by ${inc}`);
  if (s.duplicates) parts.push(`${s.duplicates} already counted`);
  if (s.rejected) parts.push(`${s.rejected} rejected or without a target`);
  return `${s.source}: ${parts.join(', ')}`;
}

function blankSource(source: string, offered: number): GateRowSource {
  return { source, offered, used: 0, seen_by_candidate: 0, seen_by_incumbent: 0, duplicates: 0, rejected: 0 };
}

/** Picks rows source by source (each once, none either run fitted on), scores them, keeps count. */
class Collector {
  private readonly y: number[] = [];
  private readonly a: number[] = [];
  private readonly b: number[] = [];
  private readonly sources: GateRowSource[] = [];
  readonly notes: string[] = [];
  /** Rows taken, by cleaned frame and index, and by content (→ the frame it came from). */
  private readonly takenAt = new Map<string, Set<number>>();
  private readonly takenKey = new Map<string, string>();

  constructor(
    private readonly models: readonly [Model, Model],
    private readonly runs: readonly [RunRows, RunRows] | null,
    private readonly keyCols: string[],
  ) {}

  addFrame(source: string, frameId: string, part: HeldOutRows): void {
    const key = frameKeys(part.features, this.keyCols, part.y);
    const stats = blankSource(source, part.y.length);
    const keep = this.pick(stats, frameId, (i) => part.rows[i], key);
    this.score(
      source,
      part.features.take(Uint32Array.from(keep)),
      Float64Array.from(keep, (i) => part.y[i]),
      keep,
      stats,
    );
  }

  async addFeedback(o: FeedbackOptions): Promise<void> {
    if (!(await storeExists('log', storeUriOf(o.file)))) {
      this.notes.push(`no prediction log at ${redact(o.file)}`);
      return;
    }
    const store = await FeedbackStore.open(o.file);
    let rows: LabelledRows;
    try {
      rows = await store.labelledRows({ since: o.since });
    } finally {
      await store.close();
    }
    const from = Math.max(0, rows.n - o.maxRows);
    const records = rows.records.slice(from);
    const y = rows.actual.slice(from);
    if (!records.length) {
      this.notes.push(
        `no labelled feedback in ${redact(o.file)} since ${new Date(o.since).toISOString().slice(0, 10)}`,
      );
      return;
    }
    const key = (i: number) => JSON.stringify([this.keyCols.map((c) => norm(records[i][c])), y[i]]);
    const stats = blankSource('feedback', records.length);
    const keep = this.pick(stats, 'feedback', (i) => i, key);
    const recs = keep.map((i) => records[i]);
    const ok = (r: { status: string }) => r.status === 'ok';
    const pa = this.models[0].pipeline.predict(recs);
    const pb = this.models[1].pipeline.predict(recs);
    for (let j = 0; j < keep.length; j++) {
      this.push(stats, y[keep[j]], ok(pa[j]) ? pa[j].prediction : null, ok(pb[j]) ? pb[j].prediction : null);
    }
    this.sources.push(stats);
  }

  /** Rows of a source that no earlier source gave and neither run fitted on. */
  private pick(
    stats: GateRowSource,
    frameId: string,
    at: (i: number) => number,
    key: (i: number) => string,
  ): number[] {
    const [cand, inc] = this.runs!;
    const keep: number[] = [];
    const taken = this.takenAt.get(frameId) ?? new Set<number>();
    this.takenAt.set(frameId, taken);
    for (let i = 0; i < stats.offered; i++) {
      const k = key(i);
      const first = this.keyCols.length ? this.takenKey.get(k) : undefined;
      if (taken.has(at(i)) || (first !== undefined && first !== frameId)) {
        stats.duplicates++;
        continue;
      }
      const byCand = this.fittedBy(cand, frameId, at(i), k);
      const byInc = this.fittedBy(inc, frameId, at(i), k);
      if (byCand) stats.seen_by_candidate++;
      if (byInc) stats.seen_by_incumbent++;
      if (byCand || byInc) continue;
      taken.add(at(i));
      this.takenKey.set(k, frameId);
      keep.push(i);
    }
    return keep;
  }

  private fittedBy(run: RunRows, frameId: string, at: number, key: string): boolean {
    if (frameId === run.frameId) return run.fittedAt[at] === 1;
    // No input column in common: content cannot match (and the rows cannot be scored anyway).
    if (!this.keyCols.length) return false;
    if (!run.keys) {
      run.keys = new Set();
      for (const p of run.fitted) {
        const k = frameKeys(p.features, this.keyCols, p.y);
        for (let i = 0; i < p.y.length; i++) run.keys.add(k(i));
      }
    }
    return run.keys.has(key);
  }

  /** Score rows `keep` of a source (given as `features`/`y`, already taken) with both models. */
  score(source: string, features: Frame, y: Float64Array, keep: number[], stats: GateRowSource): void {
    const [cand, inc] = this.models;
    const pa = cand.pipeline.predictFrame(features);
    const pb = inc.pipeline.predictFrame(features);
    for (let j = 0; j < keep.length; j++) {
      this.push(
        stats,
        y[j],
        pa.rejected[j] ? null : pa.prediction[j],
        pb.rejected[j] ? null : pb.prediction[j],
      );
    }
    this.sources.push({ ...stats, source });
  }

  private push(stats: GateRowSource, y: number, a: number | null, b: number | null): void {
    if (a === null || b === null || !Number.isFinite(y)) {
      stats.rejected++;
      return;
    }
    stats.used++;
    this.y.push(y);
    this.a.push(a);
    this.b.push(b);
  }

  result(candName: string, incName: string): ScoredRows {
    if (!this.y.length) {
      const what = this.sources.map((s) => describeSource(s, candName, incName)).join('; ');
      throw new DataError(
        'gate_no_rows',
        `No row can score ${candName} against ${incName} fairly: every held-out row was trained or tuned ` +
          `on by one of them, rejected or without a target (${[what, ...this.notes].filter(Boolean).join('; ')}). ` +
          'Pass --eval-data FILE with labelled rows neither model was trained on (or --force to promote anyway)',
      );
    }
    return {
      y: Float64Array.from(this.y),
      candidate: Float64Array.from(this.a),
      incumbent: Float64Array.from(this.b),
      sources: this.sources,
      notes: this.notes,
    };
  }
}
