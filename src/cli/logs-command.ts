/**
 * `tabflow logs`: what the prediction log holds (rows per run, time span, the latest rows), or an
 * export of it to .csv, .json, .ndjson or .parquet.
 */
import { join, resolve } from 'node:path';
import Table from 'cli-table3';
import { UsageError } from '../core/errors.js';
import { defaultLogPath, LOG_FILE } from '../log/default-log-path.js';
import {
  exportLog,
  type LogQuery,
  type LogRecord,
  openLogForReading,
  parseSince,
  readLog,
  summarizeLog,
} from '../log/index.js';
import { logStoreOf } from '../store/storage-setting.js';
import { pathOrUri } from '../store/store-uri.js';
import { DEFAULT_MODELS_DIR, type ModelsDirFlags, modelsDirOf } from './models-dir.js';

export interface LogsOptions extends ModelsDirFlags {
  db?: string;
  model?: string;
  since?: string;
  until?: string;
  run?: string;
  /** --model-version: only rows of this registered version. */
  modelVersion?: string;
  limit?: string;
  export?: string;
  json?: boolean;
}

export async function logsCommand(opts: LogsOptions): Promise<number> {
  const root = modelsDirOf(opts) ?? DEFAULT_MODELS_DIR;
  const file =
    opts.db !== undefined
      ? pathOrUri(opts.db)
      : logStoreOf(resolve(opts.model ? defaultLogPath(opts.model) : join(root, LOG_FILE)));
  const q: LogQuery = {
    since: opts.since ? parseSince(opts.since) : undefined,
    until: opts.until ? parseSince(opts.until) : undefined,
    runId: opts.run,
    version: opts.modelVersion === undefined ? undefined : positiveInt('--model-version', opts.modelVersion),
  };
  const limit = opts.limit === undefined ? 20 : Number(opts.limit);
  if (!Number.isInteger(limit) || limit < 0) {
    throw new UsageError(
      'bad_limit',
      `--limit ${JSON.stringify(opts.limit)} is not allowed: expected a non-negative integer`,
    );
  }
  const db = await openLogForReading(file);
  try {
    if (opts.export) {
      const n = await exportLog(db, opts.export, q);
      process.stderr.write(`${n} predictions from ${file} written to ${opts.export}\n`);
      return 0;
    }
    const summary = await summarizeLog(db, q);
    const latest: LogRecord[] = [];
    for await (const r of readLog(db, { ...q, limit, newestFirst: true })) latest.unshift(r);
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ file, ...summary, latest }, null, 2)}\n`);
      return 0;
    }
    process.stdout.write(`${file}: ${summary.rows} predictions`);
    process.stdout.write(summary.rows ? ` from ${summary.first} to ${summary.last}\n` : '\n');
    if (!summary.rows) return 0;
    const runs = table(['run', 'model', 'version', 'stage', 'arm', 'rows', 'rejected', 'warned']);
    for (const r of summary.by_run) {
      runs.push([
        r.run_id,
        r.model_name,
        showVersion(r.model_version),
        r.stage ?? '',
        r.arm ?? '',
        r.rows,
        r.rejected,
        r.warned,
      ]);
    }
    process.stdout.write(`${runs.toString()}\n`);
    if (latest.length) {
      const rows = table([
        'time',
        'request',
        'row',
        'version',
        'status',
        'prediction',
        'interval',
        'issues',
        'ms',
      ]);
      for (const r of latest) {
        const issues = [...r.errors, ...r.warnings].map((i) => (i as { code?: string }).code).join(' ');
        rows.push([
          r.time,
          r.request_id.slice(0, 12),
          r.row,
          showVersion(r.model_version),
          r.status,
          r.prediction === null ? '—' : r.prediction.toPrecision(6),
          r.lower === null || r.upper === null
            ? ''
            : `[${r.lower.toPrecision(4)}, ${r.upper.toPrecision(4)}]`,
          issues,
          r.latency_ms === null ? '' : r.latency_ms.toFixed(2),
        ]);
      }
      process.stdout.write(`latest ${latest.length}:\n${rows.toString()}\n`);
    }
    return 0;
  } finally {
    await db.close();
  }
}

function showVersion(v: number | null): string {
  return v === null ? '—' : `v${v}`;
}

function positiveInt(flag: string, text: string): number {
  const n = Number(text.replace(/^v/, ''));
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(
      'bad_option',
      `${flag} ${JSON.stringify(text)} is not allowed: expected a version number such as 3 or v3`,
    );
  }
  return n;
}

function table(head: string[]): Table.Table {
  // No colour codes: the output is often piped or read in CI logs.
  return new Table({ head, style: { head: [], border: [] } });
}
