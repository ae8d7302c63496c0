/**
 * The run page: what `tabflow report` shows, interactive — the selected model and how it was
 * chosen, the leaderboard with CV mean ± sd, predicted vs actual, residuals, coverage per decile,
 * importances, then the config, the data contract, cleaning and split, and every artifact with
 * its checksum.
 */
import { getJson, type LeaderboardRow, type RunDetail } from '../api.js';
import { coverageByDecile, predictedVsActual, residuals } from '../charts.js';
import { h, mount } from '../dom.js';
import { bytes, metricName, num, pct, seconds, when } from '../format.js';

/** Renders run `id` into `root`. */
export async function runPage(root: HTMLElement, id: string): Promise<void> {
  const r = await getJson<RunDetail>(`/api/runs/${encodeURIComponent(id)}`);
  document.title = `tabflow — run ${r.run_id}`;
  mount(
    root,
    h('h1', {}, `Run ${r.run_id}`),
    h(
      'p',
      { class: 'sub' },
      `${r.selected.name} for ${r.target} · trained ${when(r.created_at)} with tabflow ${r.tabflow_version}`,
      r.registration ? ` · registered as ${r.registration.name}` : '',
    ),
    summary(r),
    r.warnings.map((w) => h('p', { class: 'warn', role: 'note' }, `⚠ ${w}`)),
    h('h2', {}, 'Candidates'),
    leaderboard(r),
    h('h2', {}, `TEST rows (${r.split?.counts.test ?? '?'}), scored again by the saved pipeline`),
    r.test
      ? [
          predictedVsActual(r.test.actual, r.test.predicted, r.target),
          residuals(r.test.actual, r.test.predicted),
          r.test.coverage ? coverageByDecile(r.test.coverage.by_decile, r.test.coverage.nominal) : null,
        ]
      : h('p', { class: 'note' }, r.test_note ?? 'TEST rows unavailable'),
    importance(r),
    h('h2', {}, 'Data contract'),
    contract(r),
    h('h2', {}, 'Artifacts'),
    artifacts(r),
    h('h2', {}, 'Config'),
    h(
      'details',
      {},
      h('summary', {}, 'config.yaml (resolved)'),
      h('pre', { class: 'config', tabindex: 0 }, JSON.stringify(r.config, null, 2)),
    ),
  );
}

function summary(r: RunDetail): HTMLElement {
  const sel = r.leaderboard.find((m) => m.selected);
  const s = r.selection;
  const rows: [string, string][] = [
    ['selected model', `${r.selected.name} (${r.selected.kind})`],
    [
      'selected by',
      s.method === 'cv'
        ? `${metricName(s.metric)} over ${s.repeats && s.repeats > 1 ? `${s.repeats}×` : ''}${s.folds}-fold cross-validation of TRAIN+VAL${s.reason ? ` (${s.reason})` : ''}`
        : `${metricName(s.metric)} on ${s.on.toUpperCase()}${s.reason ? ` (${s.reason})` : ''}`,
    ],
    [
      'TEST R² / RMSE / MAE',
      sel?.test ? `${num(sel.test.r2)} / ${num(sel.test.rmse)} / ${num(sel.test.mae)}` : '—',
    ],
  ];
  if (r.intervals)
    rows.push([
      `${pct(r.intervals.nominal)} intervals (${r.intervals.mode})`,
      `TEST coverage ${pct(r.intervals.test_coverage)}, mean width ${num(r.intervals.mean_width)}, calibrated on ${r.intervals.calibration_rows} ${r.intervals.calibrated_on === 'out_of_fold' ? 'out-of-fold residuals' : 'VAL rows'}`,
    ]);
  rows.push([
    'data',
    `${r.data.path} — ${r.data.rows} rows × ${r.data.columns} columns, sha256 ${r.data.sha256.slice(0, 16)}…`,
  ]);
  if (r.cleaning)
    rows.push([
      'cleaning',
      `${r.cleaning.rows_before} → ${r.cleaning.rows_after} rows (${r.cleaning.duplicates} duplicates, ${r.cleaning.missing_target} without a target)`,
    ]);
  if (r.split)
    rows.push([
      'split',
      `${r.split.strategy}${r.split.seed !== null ? ` (seed ${r.split.seed})` : ''}: ${Object.entries(
        r.split.counts,
      )
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    ]);
  rows.push([
    'wall time',
    `${seconds(Object.values(r.timings).reduce((a, b) => a + b, 0))} (${Object.entries(r.timings)
      .map(([k, v]) => `${k} ${v.toFixed(2)}`)
      .join(', ')})`,
  ]);
  return h(
    'table',
    { class: 'kv' },
    h('caption', { class: 'sr-only' }, 'Run summary'),
    h(
      'tbody',
      {},
      rows.map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, v))),
    ),
  );
}

function leaderboard(r: RunDetail): HTMLElement {
  const cv = r.leaderboard.some((m) => m.cv);
  const head = [
    '',
    'candidate',
    cv ? `CV ${metricName(r.selection.metric)} (mean ± sd)` : `VAL ${metricName(r.selection.metric)}`,
    'TEST R²',
    'TEST RMSE',
    'TEST MAE',
    'fit time',
    'status',
  ];
  const cell = (m: LeaderboardRow) =>
    cv ? (m.cv ? `${num(m.cv.mean)} ± ${num(m.cv.sd)}` : '—') : num(m.score);
  return h(
    'table',
    { class: 'leaderboard' },
    h('caption', { class: 'sr-only' }, 'Candidates, best first'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        head.map((c) => h('th', { scope: 'col' }, c)),
      ),
    ),
    h(
      'tbody',
      {},
      r.leaderboard.map((m) =>
        h(
          'tr',
          { class: m.selected ? 'selected' : '' },
          h('td', {}, m.selected ? h('span', { title: 'selected', 'aria-label': 'selected' }, '★') : ''),
          h(
            'td',
            {},
            m.name,
            m.weights
              ? h(
                  'div',
                  { class: 'sub' },
                  Object.entries(m.weights)
                    .map(([k, w]) => `${k} ${w.toFixed(2)}`)
                    .join(', '),
                )
              : null,
          ),
          h('td', { class: 'num' }, cell(m)),
          h('td', { class: 'num' }, num(m.test?.r2)),
          h('td', { class: 'num' }, num(m.test?.rmse)),
          h('td', { class: 'num' }, num(m.test?.mae)),
          h('td', { class: 'num' }, seconds(m.fit_seconds)),
          h('td', {}, m.status === 'ok' ? 'ok' : `${m.status}${m.error ? `: ${m.error}` : ''}`),
        ),
      ),
    ),
  );
}

function importance(r: RunDetail): HTMLElement[] {
  if (!r.importance?.length) return [];
  const top = r.importance.slice(0, 20);
  const max = Math.max(...top.map((f) => f.mean), 1e-12);
  return [
    h('h2', {}, 'What the model relies on'),
    h(
      'p',
      { class: 'sub' },
      `Permutation importance on TEST: drop in R² when the column is shuffled${r.importance.length > top.length ? ` (top ${top.length} of ${r.importance.length})` : ''}`,
    ),
    h(
      'table',
      { class: 'bars' },
      h('caption', { class: 'sr-only' }, 'Permutation importance per input column'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'column'),
          h('th', { scope: 'col' }, 'R² drop (± sd)'),
          h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'bar')),
        ),
      ),
      h(
        'tbody',
        {},
        top.map((f) =>
          h(
            'tr',
            {},
            h('td', {}, f.name),
            h('td', { class: 'num' }, `${num(f.mean)} ± ${num(f.std)}`),
            h(
              'td',
              { class: 'bar-cell' },
              h('span', { class: 'bar', style: `width:${Math.max(0, (100 * f.mean) / max).toFixed(1)}%` }),
            ),
          ),
        ),
      ),
    ),
  ];
}

function contract(r: RunDetail): HTMLElement {
  return h(
    'table',
    {},
    h('caption', { class: 'sr-only' }, 'Input features the model requires'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['feature', 'type', 'nullable', 'min', 'max', 'categories'].map((c) => h('th', { scope: 'col' }, c)),
      ),
    ),
    h(
      'tbody',
      {},
      r.features.map((f) =>
        h(
          'tr',
          {},
          h('td', {}, f.name),
          h('td', {}, f.type),
          h('td', {}, f.nullable ? 'yes' : 'no'),
          h('td', { class: 'num' }, num(f.min)),
          h('td', { class: 'num' }, num(f.max)),
          h('td', { class: 'num' }, f.categories || ''),
        ),
      ),
    ),
  );
}

function artifacts(r: RunDetail): HTMLElement {
  return h(
    'table',
    {},
    h('caption', { class: 'sr-only' }, 'Files of the run with their checksums'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['file', 'size', 'sha256'].map((c) => h('th', { scope: 'col' }, c)),
      ),
    ),
    h(
      'tbody',
      {},
      r.artifacts.map((a) =>
        h(
          'tr',
          {},
          h('td', {}, a.file),
          h('td', { class: 'num' }, bytes(a.bytes)),
          h('td', { class: 'mono' }, a.sha256),
        ),
      ),
    ),
  );
}
