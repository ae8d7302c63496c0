/**
 * The monitoring report as one self-contained HTML page: verdict and alarms first, then drift per
 * feature (PSI bars on one scale, the full table), reference-vs-current distributions of the
 * features that moved most, and live accuracy over time and per version.
 */

import type { LiveMetrics, MonitoringResult } from '../loop/monitoring.js';
import type { FeatureDrift } from '../monitor/drift-report.js';
import { fmt, page, pct, table } from './html.js';
import { barChart, binChart, COLORS, esc, lineChart } from './svg.js';

const MAX_DISTRIBUTIONS = 12;

/**
 * A monitoring result as one self-contained HTML page: verdict and alarms, drift per feature with
 * distributions, and live accuracy over time and per version.
 */
export function monitoringHtml(r: MonitoringResult, opts: { maxRmseRatio?: number } = {}): string {
  const title = `tabflow monitoring — ${r.model.name ?? r.model.family}${r.model.version !== null ? ` v${r.model.version}` : ''}`;
  return page(title, [...header(r, title), ...driftSection(r), ...liveSection(r, opts.maxRmseRatio)]);
}

/** Title, window, the verdict badge, the alarms and the live-vs-training summary. */
function header(r: MonitoringResult, title: string): string[] {
  const body = [`<h1>${esc(title)}</h1>`];
  body.push(
    `<p class="sub">run ${esc(r.model.run_id)} · generated ${esc(r.generated_at)} · window: latest ${r.window.rows} of ${r.window.requested} requested predictions` +
      (r.window.first ? ` (${esc(r.window.first)} → ${esc(r.window.last ?? '')})` : '') +
      '</p>',
  );
  const badge = { ok: 'ok', alarm: 'alarm', insufficient_data: 'insufficient data' }[r.status];
  body.push(`<p class="status ${r.status}">${badge}</p>`);
  if (r.alarms.length) {
    body.push(
      `<ul class="alarms">${r.alarms.map((a) => `<li><b>${a.kind}</b>: ${esc(a.message)}</li>`).join('')}</ul>`,
    );
  }
  body.push(summary(r));
  return body;
}

/** Drift: the verdict, PSI per feature, the full table and the distributions that moved most. */
function driftSection(r: MonitoringResult): string[] {
  const body = ['<h2>Drift</h2>'];
  if (!r.drift) return [...body, `<p class="note">${esc(r.drift_note ?? 'no drift report')}</p>`];
  const feats = r.drift.features;
  const d = r.drift.dataset;
  body.push(
    `<p>${d.drifted_features.length} of ${d.n_judged} judged features drifted (share ${fmt(d.share)}, dataset drift at ≥ ${d.threshold}): <b>${verdict(d.drifted)}</b></p>`,
  );
  const order = [...feats].sort((a, b) => (b.psi ?? -1) - (a.psi ?? -1));
  body.push(
    barChart(
      order.map((f) => f.feature),
      Float64Array.from(order, (f) => f.psi ?? Number.NaN),
      {
        title: 'PSI per feature (one scale for every feature type)',
        threshold: r.drift.params.psi_threshold,
      },
    ),
  );
  body.push(driftTable(r.drift.prediction ? [...feats, r.drift.prediction] : feats));
  body.push('<h3>Distributions: reference (training) vs current window</h3><div class="grid">');
  const shown = [...(r.drift.prediction ? [r.drift.prediction] : []), ...order.slice(0, MAX_DISTRIBUTIONS)];
  for (const f of shown) {
    body.push(
      binChart(
        f.distribution.bins,
        [
          { name: 'reference', values: f.distribution.reference, color: COLORS.reference },
          { name: 'current', values: f.distribution.current, color: COLORS.current },
        ],
        { title: `${f.feature}${f.drifted ? ' — drifted' : ''}` },
      ),
    );
  }
  body.push('</div>');
  return body;
}

/** Live accuracy from feedback: error and coverage over time, and the metrics per version. */
function liveSection(r: MonitoringResult, maxRmseRatio: number | undefined): string[] {
  const body = ['<h2>Live accuracy (from feedback)</h2>'];
  if (r.live.note) body.push(`<p class="note">${esc(r.live.note)}</p>`);
  body.push(...overTimeCharts(r.live, maxRmseRatio));
  if (r.live.by_version.length) {
    body.push('<h3>Per version</h3>');
    body.push(
      table(
        ['version', 'run', 'arm', 'actuals', 'R²', 'RMSE', 'MAE', 'coverage'],
        r.live.by_version.map((v) => [
          v.version === null ? '—' : `v${v.version}`,
          v.run_id,
          v.arm ?? '—',
          String(v.n),
          ...metricCells(v),
        ]),
      ),
    );
  }
  return body;
}

/** RMSE and MAE over time (with the alarm line), and interval coverage when there is one. */
function overTimeCharts(live: MonitoringResult['live'], maxRmseRatio: number | undefined): string[] {
  const t = live.over_time;
  if (!t.length) return [];
  const x = Float64Array.from(t, (p) => Date.parse(p.end));
  const ref = live.reference;
  const xLabels: [string, string] = [when(t[0].end), when(t[t.length - 1].end)];
  const charts = [
    lineChart(
      x,
      [
        { name: 'RMSE', values: Float64Array.from(t, (p) => p.rmse ?? Number.NaN), color: COLORS.current },
        { name: 'MAE', values: Float64Array.from(t, (p) => p.mae ?? Number.NaN), color: COLORS.reference },
      ],
      {
        title: `Error over time${ref && maxRmseRatio ? ` (dashed: alarm at ${maxRmseRatio}× TEST RMSE)` : ''}`,
        threshold: ref && maxRmseRatio ? ref.rmse * maxRmseRatio : undefined,
        xLabels,
      },
    ),
  ];
  if (t.some((p) => p.coverage !== null)) {
    charts.push(
      lineChart(
        x,
        [
          {
            name: 'coverage',
            values: Float64Array.from(t, (p) => p.coverage ?? Number.NaN),
            color: COLORS.ok,
          },
        ],
        {
          title: 'Interval coverage over time (dashed: nominal)',
          threshold: ref?.coverage ?? undefined,
          xLabels,
        },
      ),
    );
  }
  return charts;
}

function summary(r: MonitoringResult): string {
  const c = r.live.current;
  const ref = r.live.reference;
  const rows: string[][] = [
    ['predictions in window', String(r.window.rows), '—'],
    [
      'drifted features',
      r.drift ? `${r.drift.dataset.drifted_features.length} of ${r.drift.dataset.n_judged}` : 'n/a',
      '—',
    ],
    ['actuals (feedback)', String(c.n), '—'],
    ['RMSE', fmt(c.rmse), fmt(ref?.rmse ?? null)],
    ['R²', fmt(c.r2), fmt(ref?.r2 ?? null)],
    ['MAE', fmt(c.mae), fmt(ref?.mae ?? null)],
    ['interval coverage', pct(c.coverage), ref?.coverage == null ? '—' : `${pct(ref.coverage)} (nominal)`],
  ];
  return table(['', 'live', 'at training (TEST)'], rows);
}

function driftTable(feats: readonly FeatureDrift[]): string {
  const head = [
    'feature',
    'type',
    'method',
    'statistic',
    'p-value',
    'threshold',
    'drifted',
    'PSI',
    'missing ref → cur',
    'unseen',
    'n cur',
  ];
  const rows = feats.map((f) => ({
    cls: f.drifted ? 'drifted' : '',
    cells: [
      f.feature,
      f.type,
      f.method,
      fmt(f.statistic),
      fmt(f.p_value),
      String(f.threshold),
      f.drifted === null ? `n/a (${f.reason ?? ''})` : verdict(f.drifted),
      fmt(f.psi),
      `${pct(f.missing_rate_ref)} → ${pct(f.missing_rate_cur)}`,
      f.unseen_rate === null ? '—' : pct(f.unseen_rate),
      String(f.n_current),
    ],
  }));
  return table(
    head,
    rows.map((r) => r.cells),
    (i) => rows[i].cls,
  );
}

function metricCells(m: LiveMetrics): string[] {
  return [fmt(m.r2), fmt(m.rmse), fmt(m.mae), pct(m.coverage)];
}

/** 2026-11-26T09:08:55.253Z → 2026-11-26 09:08:55 */
function when(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '');
}

function verdict(d: boolean | null): string {
  return d === null ? 'n/a' : d ? 'yes' : 'no';
}
