/**
 * `tabflow feedback --data labels.csv`: ground truth for served predictions, from a file with a
 * request id column, an actual column and (for multi-row requests) a row column. Each line gets a
 * verdict; the summary counts them by reason, so a bad export is visible at a glance.
 */
import { join } from 'node:path';
import Table from 'cli-table3';
import { DataError, UsageError } from '../core/errors.js';
import { cellValue } from '../data/frame.js';
import { DataLoader } from '../data/loader.js';
import { LOG_FILE } from '../log/default-log-path.js';
import { type FeedbackItem, FeedbackStore } from '../log/feedback.js';
import { logStoreOf } from '../store/storage-setting.js';
import { pathOrUri } from '../store/store-uri.js';
import { DEFAULT_MODELS_DIR, type ModelsDirFlags, modelsDirOf } from './models-dir.js';

export interface FeedbackOptions extends ModelsDirFlags {
  data?: string;
  db?: string;
  idColumn?: string;
  rowColumn?: string;
  actualColumn?: string;
  json?: boolean;
}

export async function feedbackCommand(opts: FeedbackOptions): Promise<number> {
  const root = modelsDirOf(opts) ?? DEFAULT_MODELS_DIR;
  if (!opts.data) {
    throw new UsageError('no_data', 'tabflow feedback needs --data FILE (columns request_id, actual[, row])');
  }
  const idCol = opts.idColumn ?? 'request_id';
  const rowCol = opts.rowColumn ?? 'row';
  const actualCol = opts.actualColumn ?? 'actual';
  let frame = (await DataLoader.load(opts.data)).frame;
  for (const [col, flag] of [
    [idCol, '--id-column'],
    [actualCol, '--actual-column'],
  ]) {
    if (!frame.has(col)) {
      throw new DataError(
        'missing_column',
        `${opts.data} has no column "${col}" (columns: ${frame.names.join(', ')}); name it with ${flag}`,
      );
    }
  }
  // Ids that look numeric are read again as text, so "007" stays "007".
  if (frame.get(idCol).type !== 'categorical') {
    frame = (await DataLoader.load(opts.data, { types: { [idCol]: 'categorical' } })).frame;
  }
  const ids = frame.get(idCol);
  const actuals = frame.get(actualCol);
  const rows = frame.has(rowCol) ? frame.get(rowCol) : null;
  const items: FeedbackItem[] = [];
  for (let i = 0; i < frame.nRows; i++) {
    const id = cellValue(ids, i);
    items.push({
      request_id: id === null ? null : String(id),
      actual: cellValue(actuals, i),
      ...(rows ? { row: cellValue(rows, i) } : {}),
    });
  }
  const file = opts.db !== undefined ? pathOrUri(opts.db) : logStoreOf(join(root, LOG_FILE));
  const store = await FeedbackStore.open(file);
  try {
    const report = await store.record(items, { source: `file:${opts.data}` });
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ file, ...report }, null, 2)}\n`);
    } else {
      process.stdout.write(
        `${opts.data}: ${report.accepted} actuals recorded, ${report.rejected} rejected (log ${file})\n`,
      );
      const byCode = new Map<string, { n: number; example: string }>();
      for (const v of report.verdicts) {
        if (v.status !== 'rejected') continue;
        const e = byCode.get(v.code) ?? { n: 0, example: `line ${v.index + 2}: ${v.message}` };
        e.n++;
        byCode.set(v.code, e);
      }
      if (byCode.size) {
        const t = new Table({ head: ['reason', 'lines', 'first example'], style: { head: [], border: [] } });
        for (const [code, e] of byCode) t.push([code, e.n, e.example]);
        process.stdout.write(`${t.toString()}\n`);
      }
    }
    // Nothing recorded from a non-empty file is a failed import.
    return report.accepted === 0 && items.length > 0 ? 2 : 0;
  } finally {
    await store.close();
  }
}
