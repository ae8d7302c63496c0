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
  /** Threads computing attributions (default: one per CPU core; 0: the main thread). */
  explainThreads?: string;
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
  const explainThreads = opts.explainThreads === undefined ? undefined : Number(opts.explainThreads);
  if (explainThreads !== undefined && !(Number.isInteger(explainThreads) && explainThreads >= 0)) {
    throw new UsageError(
      'bad_explain_threads',
      `--explain-threads ${opts.explainThreads} is not allowed: expected an integer ≥ 0 (0: no extra threads)`,
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
  const tty = process.stderr.isTTY === true;
  const res = await predictFile(pipeline, opts.data, {
    out,
    interval,
    explain: opts.explain,
    explainThreads,
    chunkRows,
    onProgress: progressLine(tty, (line) => process.stderr.write(line)),
  });
  if (tty) process.stderr.write('\n');
  process.stdout.write(`${summaryText(res, pipeline, out)}\n`);
  return 0;
}

const fmt = (n: number) => n.toLocaleString('en');

/**
 * `predicting: 12,800 rows done (23% of the input), 14 s elapsed, about 47 s left` on stderr: on
 * a terminal one line rewritten at most every 200 ms; otherwise a line per percent.
 */
export function progressLine(
  tty: boolean,
  write: (s: string) => void,
  now: () => number = () => performance.now(),
): (done: number, fraction: number) => void {
  const t0 = now();
  let lastPct = -1;
  let lastAt = Number.NEGATIVE_INFINITY;
  return (done, fraction) => {
    const pct = Math.floor(100 * fraction);
    const t = now();
    if (pct === lastPct && (!tty || t - lastAt < 200)) return;
    lastPct = pct;
    lastAt = t;
    const elapsed = (t - t0) / 1000;
    // The rate so far predicts the rest; too early (under 1% or a second) it only guesses.
    const eta =
      fraction >= 1
        ? ''
        : fraction >= 0.01 && elapsed >= 1
          ? `, about ${duration((elapsed * (1 - fraction)) / fraction)} left`
          : '';
    const line =
      `predicting: ${fmt(done)} rows done (${pct}% of the input)` +
      (elapsed >= 1 ? `, ${duration(elapsed)} elapsed` : '') +
      eta;
    write(tty ? `\r${line}\x1b[K` : `${line}\n`);
  };
}

/** 47 s, 3 min 05 s, 1 h 02 min. */
function duration(s: number): string {
  if (s < 60) return `${Math.round(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(Math.floor(s - 60 * m)).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}
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
