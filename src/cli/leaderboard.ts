/**
 * The leaderboard printed after training: one row per candidate, sorted by the selection
 * metric, the selected model marked, with a bar of val R² for a quick visual comparison.
 */
import Table from 'cli-table3';
import type { ResultsJson } from '../artifacts/run-artifacts.js';

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
  const { metric, on, best, greater_is_better } = results.selection;
  const key = (r: ResultsJson['models'][number]) => r.metrics?.[on as 'val']?.[metric as 'r2'];
  const rows = [...results.models].sort((a, b) => {
    const va = key(a);
    const vb = key(b);
    if (va === undefined) return 1;
    if (vb === undefined) return -1;
    return greater_is_better ? vb - va : va - vb;
  });
  const t = new Table({
    head: ['', 'model', 'val R²', '', 'test R²', 'test RMSE', 'test MAE', 'fit s'],
    style: { head: [], border: [], compact: true },
    colAligns: ['left', 'left', 'right', 'left', 'right', 'right', 'right', 'right'],
  });
  for (const r of rows) {
    if (r.status !== 'ok') {
      t.push([' ', r.name, r.status, '', (r.error ?? '').slice(0, 60), '', '', r.fit_seconds.toFixed(2)]);
      continue;
    }
    const v = r.metrics?.val;
    const te = r.metrics?.test;
    t.push([
      r.name === best ? '★' : ' ',
      r.name,
      num(v?.r2, 4),
      bar(v?.r2),
      num(te?.r2, 4),
      num(te?.rmse, 2),
      num(te?.mae, 2),
      r.fit_seconds.toFixed(2),
    ]);
  }
  return `${t.toString()}\n★ selected by ${metric} on ${on}${on === 'test' ? ' (warning: selecting on test leaks it into the decision)' : ''}`;
}
