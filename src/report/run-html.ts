/**
 * A training run as one self-contained HTML page: what was selected and how well it does, the
 * leaderboard, then the TEST rows — predicted vs actual, residuals, interval coverage per
 * prediction decile — and which inputs the model relies on.
 */
import { fmt, page, pct, table } from './html.js';
import type { RunReport, TestRows } from './run-report.js';
import { barChart, binChart, COLORS, esc, scatterChart } from './svg.js';

const MAX_IMPORTANCES = 20;

/**
 * A run report as one self-contained HTML page: leaderboard, predicted vs actual on TEST,
 * residuals, interval coverage and importances.
 */
export function runReportHtml(r: RunReport): string {
  const title = `tabflow run ${r.run_id} — ${r.selected.name} for ${r.target}`;
  const body: string[] = [`<h1>${esc(title)}</h1>`];
  body.push(
    `<p class="sub">trained ${esc(r.created_at.replace('T', ' ').replace(/\.\d+Z$/, ''))} with tabflow ${esc(r.tabflow_version)} · data ${esc(r.data.path)} (${r.data.rows} rows × ${r.data.columns} columns, sha256 ${esc(r.data.sha256.slice(0, 12))}…)</p>`,
  );
  body.push(summary(r));
  for (const w of r.warnings) body.push(`<p class="warn">⚠ ${esc(w)}</p>`);
  body.push('<h2>Candidates</h2>', leaderboard(r));
  body.push(`<h2>TEST rows (${r.split?.counts.test ?? '?'}), scored again by the saved pipeline</h2>`);
  if (r.test) body.push(testSection(r.test, r.target));
  else body.push(`<p class="note">${esc(r.test_note ?? 'TEST rows unavailable')}</p>`);
  if (r.importance?.length) {
    const top = r.importance.slice(0, MAX_IMPORTANCES);
    const of =
      r.importance.length > top.length ? ` (top ${top.length} of ${r.importance.length} columns)` : '';
    body.push('<h2>What the model relies on</h2>');
    body.push(
      barChart(
        top.map((f) => f.name),
        Float64Array.from(top, (f) => f.mean),
        { title: `Permutation importance on TEST: drop in R² when the column is shuffled${of}`, width: 760 },
      ),
    );
  }
  return page(title, body);
}

function summary(r: RunReport): string {
  const sel = r.leaderboard.find((m) => m.selected);
  const rows: string[][] = [
    ['selected model', `${r.selected.name} (${r.selected.kind})`],
    ['selected by', selectedBy(r)],
    [
      'TEST R² / RMSE / MAE',
      sel?.test ? `${fmt(sel.test.r2)} / ${fmt(sel.test.rmse)} / ${fmt(sel.test.mae)}` : '—',
    ],
  ];
  if (r.intervals) {
    rows.push([
      `${pct(r.intervals.nominal)} intervals (${r.intervals.mode})`,
      `TEST coverage ${pct(r.intervals.test_coverage)}, mean width ${fmt(r.intervals.mean_width)} (calibrated on ${r.intervals.calibration_rows} ${r.intervals.calibrated_on === 'out_of_fold' ? 'out-of-fold residuals of TRAIN+VAL' : 'VAL rows'})`,
    ]);
  }
  if (r.cleaning) {
    rows.push([
      'cleaning',
      `${r.cleaning.rows_before} → ${r.cleaning.rows_after} rows (${r.cleaning.duplicates} duplicates, ${r.cleaning.missing_target} without a target)`,
    ]);
  }
  if (r.split) {
    const c = r.split.counts;
    rows.push([
      'split',
      `${r.split.strategy}${r.split.seed !== null ? `, seed ${r.split.seed}` : ''}: train ${c.train}, val ${c.val}, test ${c.test}`,
    ]);
  }
  return table(['', ''], rows, undefined, 'kv');
}

function selectedBy(r: RunReport): string {
  const s = r.selection;
  if (s.on !== 'cv') return `${s.metric} on ${s.on}${s.reason ? ` (${s.reason})` : ''}`;
  const k = `${s.repeats && s.repeats > 1 ? `${s.repeats}×` : ''}${s.folds}-fold`;
  return `mean ${s.metric} over ${k} cross-validation of TRAIN+VAL (${s.reason ?? ''})`;
}

function leaderboard(r: RunReport): string {
  const { metric, on } = r.selection;
  const cv = on === 'cv';
  const ok = r.leaderboard.filter((m) => m.score !== null);
  const score = (m: (typeof ok)[number]) => m.score ?? Number.NaN;
  const order = [...ok].sort((a, b) =>
    r.selection.greater_is_better ? score(b) - score(a) : score(a) - score(b),
  );
  const chart = barChart(
    order.map((m) => (m.selected ? `★ ${m.name}` : m.name)),
    Float64Array.from(order, (m) => Math.max(0, score(m))),
    {
      title: cv
        ? `mean ${metric} over the folds per candidate (the selection score)`
        : `${metric} on ${on} per candidate (the selection metric)`,
      width: 760,
    },
  );
  const rows = [...order, ...r.leaderboard.filter((m) => m.score === null)];
  const weights = (m: (typeof rows)[number]) =>
    m.weights
      ? ` (${Object.entries(m.weights)
          .sort((a, b) => b[1] - a[1])
          .map(([n, w]) => `${n} ${w.toFixed(2)}`)
          .join(', ')})`
      : '';
  return (
    chart +
    table(
      ['model', 'status', cv ? `cv ${metric} (± sd)` : `val R²`, 'test R²', 'test RMSE', 'test MAE', 'fit s'],
      rows.map((m) => [
        `${m.selected ? `★ ${m.name}` : m.name}${weights(m)}`,
        m.error ? `${m.status}: ${m.error.slice(0, 80)}` : m.status,
        cv ? (m.cv ? `${fmt(m.cv.mean)} ± ${fmt(m.cv.sd)}` : '—') : fmt(m.val?.r2),
        fmt(m.test?.r2),
        fmt(m.test?.rmse),
        fmt(m.test?.mae),
        fmt(m.fit_seconds),
      ]),
      (i) => (rows[i].selected ? 'best' : rows[i].status === 'ok' ? '' : 'failed'),
    )
  );
}

function testSection(t: TestRows, target: string): string {
  const parts: string[] = [
    `<p>${t.n} rows scored${t.rejected ? `, ${t.rejected} rejected by the data contract` : ''}: R² ${fmt(t.metrics.r2)}, RMSE ${fmt(t.metrics.rmse)}, MAE ${fmt(t.metrics.mae)}.</p>`,
    '<div class="grid">',
    scatterChart(t.actual, t.predicted, {
      title: 'Predicted vs actual (dashed: perfect)',
      xLabel: `actual ${target}`,
      yLabel: `predicted ${target}`,
      diagonal: true,
    }),
    residualHistogram(t),
  ];
  if (t.coverage) {
    const c = t.coverage;
    parts.push(
      barChart(
        c.by_decile.map((b) => `${fmt(b.from)}–${fmt(b.to)}`),
        Float64Array.from(c.by_decile, (b) => b.coverage),
        {
          title: `Interval coverage per decile of the prediction (overall ${pct(c.overall)}, nominal ${pct(c.nominal)}; interval score ${fmt(c.interval_score)})`,
          threshold: c.nominal,
          higherIsWorse: false,
          width: 700,
        },
      ),
    );
  }
  parts.push('</div>');
  return parts.join('');
}

/** Residuals (actual − predicted) in 20 bins between their 0.5 % and 99.5 % quantiles, plus tails. */
function residualHistogram(t: TestRows): string {
  const res = Float64Array.from(t.actual, (a, i) => a - t.predicted[i]);
  const sorted = Float64Array.from(res).sort();
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  const lo = q(0.005);
  const hi = q(0.995);
  const k = 20;
  const step = hi > lo ? (hi - lo) / k : 1;
  const counts = new Float64Array(k + 2);
  for (const r of res)
    counts[r < lo ? 0 : r >= hi ? k + 1 : 1 + Math.min(k - 1, Math.floor((r - lo) / step))]++;
  const labels = [`(-∞, ${lo})`];
  for (let b = 0; b < k; b++) labels.push(`[${lo + b * step}, ${lo + (b + 1) * step})`);
  labels.push(`[${hi}, ∞)`);
  return binChart(labels, [{ name: 'TEST rows', values: counts, color: COLORS.reference }], {
    title: 'Residuals: actual − predicted',
    width: 460,
    height: 380,
  });
}
