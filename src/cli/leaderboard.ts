/**
 * The leaderboard printed after training: one row per candidate, sorted by the selection
 * score (cross-validated mean ± sd, or the holdout split's), the selected model marked, with a
 * bar of R² for a quick visual comparison.
 */
import Table from 'cli-table3';
import { type ResultsJson, selectionScore } from '../artifacts/run-folder.js';

const BAR = 16;

function bar(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '';
  const x = Math.max(0, Math.min(1, v)) * BAR;
  const full = Math.floor(x);
  const parts = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
  return '█'.repeat(full) + (full < BAR ? parts[Math.floor((x - full) * 8)] : '');
}

const num = (v: number | undefined, digits: number): string =>
  v === undefined || !Number.isFinite(v) ? '—' : Math.abs(v) >= 1e6 ? v.toExponential(2) : v.toFixed(digits);

export function leaderboard(results: ResultsJson): string {
  const sel = results.selection;
  const { metric, on, best, greater_is_better } = sel;
  const cv = on === 'cv';
  const key = (r: ResultsJson['models'][number]) => selectionScore(r, sel);
  const rows = [...results.models].sort((a, b) => {
    const va = key(a);
    const vb = key(b);
    if (va === undefined) return 1;
    if (vb === undefined) return -1;
    return greater_is_better ? vb - va : va - vb;
  });
  const label = metric === 'r2' ? 'R²' : metric.toUpperCase();
  const t = new Table({
    head: [
      '',
      'model',
      cv ? `cv ${label}` : `${on} ${label}`,
      ...(cv ? ['± sd'] : []),
      '',
      'test R²',
      'test RMSE',
      'test MAE',
      'fit s',
    ],
    style: { head: [], border: [], compact: true },
    colAligns: [
      'left',
      'left',
      'right',
      ...(cv ? (['right'] as const) : []),
      'left',
      'right',
      'right',
      'right',
      'right',
    ],
  });
  for (const r of rows) {
    if (r.status !== 'ok') {
      t.push([
        ' ',
        r.name,
        r.status,
        ...(cv ? [''] : []),
        (r.error ?? '').slice(0, 60),
        '',
        '',
        '',
        r.fit_seconds.toFixed(2),
      ]);
      continue;
    }
    const v = key(r);
    const te = r.metrics?.test;
    t.push([
      r.name === best ? '★' : ' ',
      r.name,
      num(v, 4),
      ...(cv ? [num(r.cv?.sd, 4)] : []),
      metric === 'r2' ? bar(v) : '',
      num(te?.r2, 4),
      num(te?.rmse, 2),
      num(te?.mae, 2),
      r.fit_seconds.toFixed(2),
    ]);
  }
  const how = cv
    ? `${metric} over ${sel.repeats && sel.repeats > 1 ? `${sel.repeats}×` : ''}${sel.folds}-fold cross-validation of TRAIN+VAL (${sel.reason})`
    : `${metric} on ${on}${sel.reason && sel.method ? ` (${sel.reason})` : ''}`;
  return `${t.toString()}\n★ selected by ${how}${on === 'test' ? ' (warning: selecting on test leaks it into the decision)' : ''}`;
}
