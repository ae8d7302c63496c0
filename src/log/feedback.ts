/**
 * Ground truth for logged predictions: `{request_id, row?, actual}` items are checked against the
 * prediction log (the request must exist, the row must be one of its rows, the actual a finite
 * number, and a row gets one actual only) and stored beside it (a `feedback` table of the same
 * SQLite file), so live accuracy is one join away. Every item gets its own verdict; one bad item
 * never makes the others fail.
 */
import { openStores } from '../store/open-stores.js';
import type { JoinedFeedback, JoinQuery, NewFeedback, PredictionStore } from '../store/prediction-store.js';
import { storeUriOf } from '../store/store-uri.js';

export type { JoinedFeedback, JoinQuery } from '../store/prediction-store.js';

/** One actual as a client sends it (checked by `FeedbackStore.record`: any field may be wrong). */
export interface FeedbackItem {
  request_id: unknown;
  row?: unknown;
  actual: unknown;
}

export type FeedbackVerdict =
  | { index: number; status: 'accepted'; request_id: string; row: number; actual: number }
  | { index: number; status: 'rejected'; code: FeedbackErrorCode; message: string };

export type FeedbackErrorCode =
  | 'bad_request_id'
  | 'bad_row'
  | 'row_required'
  | 'not_numeric'
  | 'unknown_request'
  | 'unknown_row'
  | 'duplicate';

export interface FeedbackReport {
  accepted: number;
  rejected: number;
  verdicts: FeedbackVerdict[];
}

export interface LabelledRows {
  n: number;
  /** The inputs as the client sent them. */
  records: Record<string, unknown>[];
  actual: Float64Array;
}

/** Feedback on a prediction store: checked items in, joined and labelled rows out. */
export class FeedbackStore {
  readonly file: string;

  /** A feedback store over an opened prediction store (`FeedbackStore.open` opens one). */
  constructor(private readonly store: PredictionStore) {
    this.file = store.location;
  }

  /**
   * Open the log at `fileOrUri` (a file path or a store URI) for feedback, creating it and its
   * feedback table when missing; a damaged file is a DataError naming it.
   */
  static async open(fileOrUri: string, opts: { busyTimeoutMs?: number } = {}): Promise<FeedbackStore> {
    const { log } = await openStores(
      { log: storeUriOf(fileOrUri) },
      { logAccess: 'feedback', busyTimeoutMs: opts.busyTimeoutMs },
    );
    return new FeedbackStore(log);
  }

  /** Check and store items; each gets a verdict (accepted, or rejected with a reason). */
  async record(
    items: readonly FeedbackItem[],
    opts: { source?: string; now?: number } = {},
  ): Promise<FeedbackReport> {
    const ts = opts.now ?? Date.now();
    const ids = items.flatMap((it) => (typeof it?.request_id === 'string' ? [it.request_id] : []));
    const rowsOf = await this.store.requestRows(ids);
    const checked = items.map((item, index) => check(item, index, rowsOf));
    const accepted = checked.filter((v) => v.status === 'accepted');
    const rows: NewFeedback[] = accepted.map((v) => ({
      ts,
      request_id: v.request_id,
      row: v.row,
      actual: v.actual,
      source: opts.source ?? 'api',
    }));
    const stored = await this.store.addFeedback(rows);
    let k = 0;
    const verdicts = checked.map((v): FeedbackVerdict => {
      if (v.status !== 'accepted' || stored[k++]) return v;
      const message = `request ${v.request_id} row ${v.row} already has an actual; the first one is kept`;
      return { index: v.index, status: 'rejected', code: 'duplicate', message };
    });
    const n = verdicts.filter((v) => v.status === 'accepted').length;
    return { accepted: n, rejected: verdicts.length - n, verdicts };
  }

  /** Logged predictions (status ok) joined with their actuals, oldest first. */
  joined(q: JoinQuery = {}): Promise<JoinedFeedback> {
    return this.store.joined(q);
  }

  /**
   * The inputs of every request row that has an actual, once per row (a row scored by two arms
   * is one training example), oldest first: new labelled data for retraining. Rows the data
   * contract rejected are left out: their inputs are what made them unreadable.
   */
  async labelledRows(q: { since?: number; until?: number } = {}): Promise<LabelledRows> {
    const rows = await this.store.labelled(q);
    const out: LabelledRows = { n: 0, records: [], actual: new Float64Array(rows.length) };
    for (const { actual, features } of rows) {
      if (features === null) continue;
      let rec: unknown;
      try {
        rec = JSON.parse(features);
      } catch {
        continue; // unreadable logged input: not a training example
      }
      if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) continue;
      out.records.push(rec as Record<string, unknown>);
      out.actual[out.n++] = actual;
    }
    out.actual = out.actual.slice(0, out.n);
    return out;
  }

  /** Number of actuals stored. */
  get count(): Promise<number> {
    return this.store.feedbackCount();
  }

  /** Close the store underneath. */
  close(): Promise<void> {
    return this.store.close();
  }
}

/** One item's verdict before it is stored (a duplicate is found by the store). */
function check(item: FeedbackItem, index: number, rowsOf: Map<string, number[]>): FeedbackVerdict {
  const reject = (code: FeedbackErrorCode, message: string): FeedbackVerdict => ({
    index,
    status: 'rejected',
    code,
    message,
  });
  const id = item?.request_id;
  if (typeof id !== 'string' || id === '' || id.length > 128) {
    return reject(
      'bad_request_id',
      `request_id ${describe(id)} is not allowed: expected the request id a prediction returned`,
    );
  }
  const actual = toNumber(item.actual);
  if (actual === null) {
    return reject('not_numeric', `actual ${describe(item.actual)} for request ${id} is not a finite number`);
  }
  const rows = rowsOf.get(id) ?? [];
  if (!rows.length) {
    // Also what a prediction lost by a crash before its row was written looks like (log.durability).
    return reject(
      'unknown_request',
      `No logged prediction has request_id ${JSON.stringify(id)}: the id is unknown, or its ` +
        'prediction was answered but never logged (a server killed under log.durability: ' +
        'buffered loses the rows it had not written yet); the actual is not stored',
    );
  }
  let row: number;
  if (item.row === undefined || item.row === null) {
    if (rows.length > 1) {
      return reject(
        'row_required',
        `request ${id} scored ${rows.length} rows: say which one with "row" (0 to ${rows.length - 1})`,
      );
    }
    row = rows[0];
  } else if (typeof item.row !== 'number' || !Number.isInteger(item.row) || item.row < 0) {
    return reject('bad_row', `row ${describe(item.row)} is not allowed: expected an integer ≥ 0`);
  } else {
    row = item.row;
    if (!rows.includes(row)) {
      return reject('unknown_row', `request ${id} has no row ${row} (it scored ${rows.length} rows)`);
    }
  }
  return { index, status: 'accepted', request_id: id, row, actual };
}

function toNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v.trim());
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

function describe(v: unknown): string {
  if (v === undefined) return '(missing)';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}
