/**
 * The prediction log from one store to another: every prediction row, then every feedback row,
 * each in id order and in batches (one transaction each: a batch is stored whole or not at all).
 *
 * Resuming: the target numbers rows itself, so a row's place is its key — the target holds the
 * source's first n rows exactly when a migration stopped after n rows. With `resume`, those n are
 * checked (sha256 of the target's rows against the source's first n) and copying goes on from
 * row n + 1; anything else in the target is refused. One transaction for a whole log would hold
 * a connection and the target's locks for as long as a large log takes to copy, and lose all of
 * it to an interruption; batches keyed by position lose at most one.
 */
import { DataError, UsageError } from '../../core/errors.js';
import type {
  LoggedFeedback,
  LoggedPrediction,
  NewFeedback,
  NewPrediction,
  PredictionStore,
} from '../../store/prediction-store.js';
import { feedbackDigest, predictionsDigest, RowHasher, type RowsDigest } from './digests.js';

/** Rows per batch. */
export const LOG_BATCH = 1000;

/** Progress of one table's copy. */
export interface RowProgress {
  table: 'predictions' | 'feedback';
  /** Rows of the source in the target (including those a resumed run found there). */
  done: number;
  /** Rows of the source when the copy started. */
  total: number;
}

/** What one table's copy did. */
export interface TableCopy {
  /** Rows the target held of the source before (resume), skipped. */
  kept: number;
  /** Rows copied now. */
  copied: number;
  /** Digest of the source's rows as read while copying. */
  source: RowsDigest;
}

/** How to copy. */
export interface LogCopyOptions {
  /** Continue a migration that stopped: the target may hold the source's first rows. */
  resume?: boolean;
  onProgress?: (p: RowProgress) => void;
  /** Rows per batch (default LOG_BATCH). */
  batch?: number;
}

/** Copy every prediction row, then every feedback row, of `source` to `target`. */
export async function copyLog(
  source: PredictionStore,
  target: PredictionStore,
  o: LogCopyOptions = {},
): Promise<{ predictions: TableCopy; feedback: TableCopy }> {
  const predictions = await copyTable(
    'predictions',
    source.predictions(),
    (await source.summary()).rows,
    await predictionsDigest(target),
    (n) => predictionsDigest(source, n),
    async (rows: LoggedPrediction[]) => {
      await target.append(rows.map(withoutId<NewPrediction>));
    },
    { ...o, where: target.location },
  );
  const feedback = await copyTable(
    'feedback',
    source.feedbackRows(),
    await source.feedbackCount(),
    await feedbackDigest(target),
    (n) => feedbackDigest(source, n),
    async (rows: LoggedFeedback[]) => {
      const stored = await target.addFeedback(rows.map(withoutId<NewFeedback>));
      const refused = stored.indexOf(false);
      if (refused >= 0) {
        const r = rows[refused];
        throw new DataError(
          'migration_mismatch',
          `${target.location} already holds an actual for request ${r.request_id} row ${r.row} that is not ` +
            `the source's feedback row ${r.id}: the target's feedback is not a copy of ${source.location}`,
        );
      }
    },
    { ...o, where: target.location },
  );
  return { predictions, feedback };
}

function withoutId<T>(r: T & { id: number }): T {
  const { id: _, ...rest } = r;
  return rest as T;
}

async function copyTable<R extends LoggedPrediction | LoggedFeedback>(
  table: RowProgress['table'],
  rows: AsyncIterable<R>,
  total: number,
  held: RowsDigest,
  sourcePrefix: (n: number) => Promise<RowsDigest>,
  write: (batch: R[]) => Promise<void>,
  o: LogCopyOptions & { where: string },
): Promise<TableCopy> {
  const kept = held.rows;
  if (kept > 0) await checkPrefix(table, held, await sourcePrefix(kept), o);
  const size = Math.max(1, o.batch ?? LOG_BATCH);
  const hasher = new RowHasher();
  let batch: R[] = [];
  let copied = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await write(batch);
    copied += batch.length;
    batch = [];
    o.onProgress?.({ table, done: kept + copied, total: Math.max(total, kept + copied) });
  };
  o.onProgress?.({ table, done: kept, total });
  for await (const r of rows) {
    hasher.add(r);
    if (hasher.rows <= kept) continue;
    batch.push(r);
    if (batch.length >= size) await flush();
  }
  await flush();
  return { kept, copied, source: hasher.digest() };
}

/** The target's rows must be the source's first rows, and only with `resume`. */
async function checkPrefix(
  table: RowProgress['table'],
  held: RowsDigest,
  prefix: RowsDigest,
  o: LogCopyOptions & { where: string },
): Promise<void> {
  if (!o.resume) {
    throw new UsageError(
      'target_not_empty',
      `${o.where} holds ${held.rows} ${table} rows: copying onto them would mix two logs ` +
        '(--resume continues a migration that stopped half-way)',
    );
  }
  if (prefix.rows !== held.rows || prefix.sha256 !== held.sha256) {
    throw new DataError(
      'migration_mismatch',
      `--resume: the ${held.rows} ${table} rows of ${o.where} are not the source's first ${held.rows} ` +
        `(source has ${prefix.rows}; sha256 ${held.sha256.slice(0, 12)} ≠ ${prefix.sha256.slice(0, 12)}): ` +
        'it holds another log, so it cannot be resumed; migrate into an empty store',
    );
  }
}
