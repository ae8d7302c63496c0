/**
 * A fit job and its result as they cross the queue: plain JSON. The job's arrays (a fold's
 * matrices, targets) are named by the sha256 of their bytes and shipped once through the blob
 * plane; its params keep non-finite numbers (JSON would turn them into null). A result carries
 * its small arrays inline (codec base64) and its model, when asked for, as a blob.
 */
import { decodeF64, type EncodedF64, encodeF64, type Serialized } from '../core/codec.js';
import { ArtifactError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import type { FeatureInfo } from '../models/regressor.js';
import type { FitJob, FitOutcome } from '../train/cv/fit-job.js';

/** Wire format version: a worker refuses a job of another version with a clear error. */
export const WIRE_VERSION = 1;

/** A Float64Array by reference: the sha256 of its little-endian bytes and its length. */
export interface WireArray {
  readonly blob: string;
  readonly length: number;
}

/** A matrix whose data is a blob. */
export interface WireMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: WireArray;
}

/** A fit job on the wire. */
export interface WireJob {
  readonly v: number;
  readonly name: string;
  readonly model: string;
  /** Params with non-finite numbers spelled `{"$number": "Infinity"}`. */
  readonly params: unknown;
  readonly features: readonly FeatureInfo[];
  readonly X: WireMatrix;
  readonly y: WireArray;
  readonly held?: { readonly X: WireMatrix; readonly y: WireArray };
  readonly predict?: readonly WireMatrix[];
  readonly seed: number;
  readonly budgetS: number | null;
  /** `json`: send the fitted model back (as a blob); `none`: only its outcome. */
  readonly keep: 'json' | 'none';
}

/** A job's outcome on the wire (what the worker returns to BullMQ). */
export interface WireResult {
  readonly v: number;
  readonly ok: boolean;
  readonly error?: string;
  readonly seconds: number;
  readonly pred?: EncodedF64;
  readonly notes: readonly string[];
  readonly iterations?: number;
  readonly importances?: EncodedF64;
  readonly predictions?: readonly EncodedF64[];
  readonly predictSeconds?: number;
  /** The fitted model's JSON (UTF-8) as a blob. */
  readonly model?: string;
  /** The worker that ran it (host:pid). */
  readonly worker: string;
  /**
   * Set when the job did not run because a blob it names is gone from Redis (a restart without
   * persistence): the trainer puts the job's arrays again and queues it anew.
   */
  readonly missingBlob?: true;
}

/** Bytes of a Float64Array as stored: its own little-endian bytes. */
export function f64Bytes(a: Float64Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** A Float64Array from blob bytes (copied into an aligned buffer). */
export function f64FromBytes(bytes: Uint8Array, length: number, what: string): Float64Array {
  if (bytes.byteLength !== length * 8) {
    throw new ArtifactError(
      'blob_corrupt',
      `${what}: ${bytes.byteLength} bytes do not hold ${length} f64 values`,
    );
  }
  const out = new Float64Array(length);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** Put an array, returning its reference. */
export type PutArray = (a: Float64Array) => Promise<WireArray>;
/** Get an array by reference (`what` names it in errors). */
export type GetArray = (ref: WireArray, what: string) => Promise<Float64Array>;

/** The job on the wire; its arrays go through `put` (which uploads each distinct array once). */
export async function jobToWire(job: FitJob, keep: 'json' | 'none', put: PutArray): Promise<WireJob> {
  const matrix = async (m: Matrix): Promise<WireMatrix> => ({
    rows: m.rows,
    cols: m.cols,
    data: await put(m.data),
  });
  return {
    v: WIRE_VERSION,
    name: job.name,
    model: job.model,
    params: encodeParams(job.params),
    features: job.features,
    X: await matrix(job.X),
    y: await put(job.y),
    ...(job.held ? { held: { X: await matrix(job.held.X), y: await put(job.held.y) } } : {}),
    ...(job.predict ? { predict: await Promise.all(job.predict.map(matrix)) } : {}),
    seed: job.seed,
    budgetS: job.budgetS,
    keep,
  };
}

/** The job a worker runs (one model thread: jobs are the unit of parallelism). */
export async function jobFromWire(w: WireJob, get: GetArray): Promise<FitJob> {
  if (w.v !== WIRE_VERSION) {
    throw new ArtifactError(
      'bad_wire_version',
      `job ${w.name}: wire format version ${w.v}; this worker reads version ${WIRE_VERSION} — run the same tabflow version on the trainer and the workers`,
    );
  }
  const matrix = async (m: WireMatrix, what: string): Promise<Matrix> => ({
    rows: m.rows,
    cols: m.cols,
    data: await get(m.data, what),
  });
  return {
    name: w.name,
    model: w.model,
    params: decodeParams(w.params) as Record<string, unknown>,
    features: w.features,
    X: await matrix(w.X, `${w.name} X`),
    y: await get(w.y, `${w.name} y`),
    ...(w.held
      ? {
          held: { X: await matrix(w.held.X, `${w.name} held X`), y: await get(w.held.y, `${w.name} held y`) },
        }
      : {}),
    ...(w.predict
      ? { predict: await Promise.all(w.predict.map((m, i) => matrix(m, `${w.name} predict[${i}]`))) }
      : {}),
    seed: w.seed,
    budgetS: w.budgetS,
    threads: 1,
  };
}

/** A worker's outcome on the wire; `model` is the blob of the model's JSON, if kept. */
export function resultToWire(r: FitOutcome, model: string | undefined, worker: string): WireResult {
  return {
    v: WIRE_VERSION,
    ok: r.ok,
    ...(r.error !== undefined ? { error: r.error } : {}),
    seconds: r.seconds,
    ...(r.pred ? { pred: encodeF64(r.pred) } : {}),
    notes: r.notes,
    ...(r.iterations !== undefined ? { iterations: r.iterations } : {}),
    ...(r.importances ? { importances: encodeF64(r.importances) } : {}),
    ...(r.predictions ? { predictions: r.predictions.map((p) => encodeF64(p)) } : {}),
    ...(r.predictSeconds !== undefined ? { predictSeconds: r.predictSeconds } : {}),
    ...(model ? { model } : {}),
    worker,
  };
}

/** The answer of a worker that could not fetch a job's arrays: `error` says which blob. */
export function missingBlob(error: string, worker: string): WireResult {
  return { v: WIRE_VERSION, ok: false, error, seconds: 0, notes: [], worker, missingBlob: true };
}

/** The outcome back from the wire (the model blob, if any, is the caller's to fetch). */
export function resultFromWire(w: WireResult): FitOutcome {
  return {
    ok: w.ok,
    ...(w.error !== undefined ? { error: w.error } : {}),
    seconds: w.seconds,
    ...(w.pred ? { pred: decodeF64(w.pred, 'pred') } : {}),
    notes: w.notes,
    ...(w.iterations !== undefined ? { iterations: w.iterations } : {}),
    ...(w.importances ? { importances: decodeF64(w.importances, 'importances') } : {}),
    ...(w.predictions ? { predictions: w.predictions.map((p, i) => decodeF64(p, `predictions[${i}]`)) } : {}),
    ...(w.predictSeconds !== undefined ? { predictSeconds: w.predictSeconds } : {}),
  };
}

/** A model's JSON as bytes, and back. */
export function modelBytes(json: Serialized): Buffer {
  return Buffer.from(JSON.stringify(json), 'utf8');
}

/** Params with non-finite numbers kept (JSON has no Infinity or NaN). */
export function encodeParams(x: unknown): unknown {
  if (typeof x === 'number' && !Number.isFinite(x)) return { $number: String(x) };
  if (Array.isArray(x)) return x.map(encodeParams);
  if (x && typeof x === 'object') {
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, encodeParams(v)]));
  }
  return x;
}

/** The inverse of {@link encodeParams}. */
export function decodeParams(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(decodeParams);
  if (x && typeof x === 'object') {
    const o = x as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === '$number' && typeof o.$number === 'string') return Number(o.$number);
    return Object.fromEntries(keys.map((k) => [k, decodeParams(o[k])]));
  }
  return x;
}
