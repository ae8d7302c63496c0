/**
 * `tabflow predict --model DIR --data FILE [--out FILE] [--no-interval] [--explain]`: batch
 * predictions of a file with the saved run, each with its conformal interval (lower, upper and the
 * nominal coverage as columns) unless `--no-interval`, a validation summary on stdout, progress
 * on stderr.
 */
import { relative } from 'node:path';
import { UsageError } from '../core/errors.js';
import { InferencePipeline } from '../inference/inference-pipeline.js';
import { ISSUE_CODES } from '../inference/params.js';
import { type PredictFileResult, predictFile } from '../inference/predict-file.js';
import { outputFormat } from '../inference/prediction-writer.js';

export interface PredictOptions {
  model?: string;
  data?: string;
  out?: string;
  /** false with --no-interval; true (--interval) or absent: intervals when the run has them. */
  interval?: boolean;
  explain?: boolean;
  chunkRows?: string;
  /** `check=action,...`, e.g. `out_of_range=clip,unknown_category=reject`. */
  policy?: string;
}

export async function predictCommand(opts: PredictOptions): Promise<number> {
  if (!opts.model || !opts.data) {
    throw new UsageError(
      'missing_option',
      'tabflow predict needs --model DIR (a run folder or models/production) and --data FILE',
    );
  }
  const out = opts.out ?? 'predictions.csv';
  outputFormat(out);
  const chunkRows = opts.chunkRows === undefined ? undefined : Number(opts.chunkRows);
  if (chunkRows !== undefined && !(Number.isInteger(chunkRows) && chunkRows > 0)) {
    throw new UsageError(
      'bad_chunk_rows',
      `--chunk-rows ${opts.chunkRows} is not allowed: expected a positive integer`,
    );
  }
  const pipeline = InferencePipeline.load(opts.model, { policy: parsePolicy(opts.policy) });
  const interval = opts.interval !== false;
  if (interval && !pipeline.intervals) {
    process.stderr.write(
      'note: this run has no interval calibration (interval_method: none): predictions without intervals\n',
    );
  }
  if (opts.explain && !pipeline.canExplain) {
    process.stderr.write(
      `warning: no explanations for ${pipeline.model.kind} models in batch yet; none written\n`,
    );
  }
  const tty = process.stderr.isTTY;
  let lastPct = -1;
  const res = await predictFile(pipeline, opts.data, {
    out,
    interval,
    explain: opts.explain,
    chunkRows,
    onProgress: (done, fraction) => {
      const pct = Math.floor(100 * fraction);
      if (pct === lastPct) return;
      lastPct = pct;
      const line = `predicting: ${done.toLocaleString('en')} rows done (${pct}% of the input)`;
      process.stderr.write(tty ? `\r${line}` : `${line}\n`);
    },
  });
  if (tty) process.stderr.write('\n');
  process.stdout.write(`${summaryText(res, pipeline, out)}\n`);
  return 0;
}

const fmt = (n: number) => n.toLocaleString('en');
const fmtPct = (x: number) => `${Number((x * 100).toFixed(2))}%`;

export function summaryText(r: PredictFileResult, p: InferencePipeline, out: string): string {
  const s = r.summary;
  const lines = [
    `model ${p.modelName} (run ${p.runId})`,
    `rows ${fmt(s.rows)}: predicted ${fmt(s.predicted)}, rejected ${fmt(s.rejected)}, ` +
      `warned ${fmt(s.warned)}  (${(s.rows / Math.max(r.seconds, 1e-9)).toFixed(0)} rows/s${r.streamed ? ', streamed' : ''})`,
  ];
  const codes = ISSUE_CODES.filter((c) => s.byCode[c] > 0);
  if (codes.length) {
    lines.push('issues by code (rows affected; policy):');
    for (const c of codes) lines.push(`  ${c.padEnd(18)} ${fmt(s.byCode[c]).padStart(10)}  ${p.policy[c]}`);
    const examples = r.issues
      .slice(0, 5)
      .map((i) => `  ${i.row < 0 ? 'all rows' : `row ${i.row}`}: ${i.message}`);
    lines.push('first issues:', ...examples);
  } else lines.push('no validation issues');
  if (r.columns.includes('coverage') && p.intervals) {
    const c = p.intervals.json;
    lines.push(
      `intervals: ${fmtPct(c.coverage)} split-conformal (${c.mode}) in lower, upper; ` +
        `coverage ${c.coverage} in every predicted row (--no-interval leaves them out)`,
    );
  }
  lines.push(
    `predictions written to ${relative(process.cwd(), out) || out} (${r.idColumn ?? 'row'} column kept)`,
  );
  return lines.join('\n');
}

/** `--policy out_of_range=clip,extra=...` → a partial policy (checked by the pipeline). */
function parsePolicy(text: string | undefined): Record<string, string> | undefined {
  if (text === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [k, v, ...rest] = part.split('=').map((s) => s.trim());
    if (!k || !v || rest.length) {
      throw new UsageError(
        'bad_policy',
        `--policy ${JSON.stringify(part)} is not allowed: expected check=action, e.g. out_of_range=clip,unknown_category=reject`,
      );
    }
    out[k] = v;
  }
  return out;
}
