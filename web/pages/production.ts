/**
 * The production page: what the served model is doing now — traffic (requests, rejections,
 * latency percentiles, per minute), alarms, drift per feature, live accuracy and interval coverage
 * from feedback — the numbers of `tabflow monitor`, refreshed every few seconds by polling
 * (web/refresh.ts) — and, for the feature picked in the drift table (the first drifted one at
 * first), its reference (training profile) and current distributions side by side.
 */
import { type FeatureDriftRow, getJson, type ProductionJson } from '../api.js';
import { distributionChart, overTime } from '../charts.js';
import { h, mount } from '../dom.js';
import { num, pct, when } from '../format.js';
import { autoRefresh, preservingInput, refreshControls, showing } from '../refresh.js';

const ROUTE = '#/production';
/** The feature whose histogram shows; kept across refreshes (null: the first drifted one). */
let picked: string | null = null;
/** The drift rows on the page now (what a histogram button draws from). */
let lastRows: FeatureDriftRow[] | null = null;

/** Renders the stage in `params` (default production) into `root` and keeps it fresh. */
export async function productionPage(root: HTMLElement, params: URLSearchParams): Promise<void> {
  await render(root, params);
  autoRefresh(ROUTE, () => render(root, params));
}

async function render(root: HTMLElement, params: URLSearchParams): Promise<void> {
  const stage = params.get('stage') ?? 'production';
  const p = await getJson<ProductionJson>(`/api/production?stage=${encodeURIComponent(stage)}`);
  if (!showing(ROUTE)) return; // the user went elsewhere while the numbers came
  // A refresh replaces the page: the picked histogram and the keyboard focus stay.
  preservingInput(root, () =>
    mount(
      root,
      h('h1', {}, `Production: ${stage}`),
      h(
        'p',
        { class: 'sub', id: 'generated-at' },
        `as of ${when(p.generated_at)} · `,
        refreshControls(ROUTE),
      ),
      p.note ? h('p', { class: 'note' }, p.note) : null,
      p.monitoring ? monitoringSection(p) : null,
    ),
  );
}

function monitoringSection(p: ProductionJson): (HTMLElement | null)[] {
  const m = p.monitoring as NonNullable<ProductionJson['monitoring']>;
  const t = p.traffic;
  const v = m.model.version === null ? '' : ` v${m.model.version}`;
  const cur = m.live.current;
  return [
    h(
      'p',
      { id: 'status', class: m.status === 'alarm' ? 'warn' : m.status === 'ok' ? 'ok' : 'note' },
      `${m.model.name ?? m.model.family}${v} (${m.model.family}, run ${m.model.run_id}): ${m.status.replace('_', ' ').toUpperCase()}`,
    ),
    m.alarms.length
      ? h(
          'ul',
          { class: 'warn', 'aria-label': 'Alarms' },
          m.alarms.map((a) => h('li', {}, `${a.kind}: ${a.message}`)),
        )
      : null,
    h('h2', {}, 'Traffic'),
    t
      ? h(
          'table',
          { class: 'kv', id: 'traffic' },
          h('caption', { class: 'sr-only' }, 'Traffic of the latest window'),
          h(
            'tbody',
            {},
            kv(
              'requests (latest window)',
              `${t.rows}${t.first ? ` from ${when(t.first)} to ${when(t.last ?? t.first)}` : ''}`,
            ),
            kv('rejected', `${t.rejected} (${pct(t.error_rate)})`),
            kv(
              'latency p50 / p95 / p99',
              `${num(t.latency_ms.p50)} / ${num(t.latency_ms.p95)} / ${num(t.latency_ms.p99)} ms`,
            ),
          ),
        )
      : null,
    t && t.per_minute.length > 1
      ? overTime(
          'Requests per minute and p95 latency',
          t.per_minute.map((b) => b.t / 1000),
          [
            { label: 'requests / min', values: t.per_minute.map((b) => b.rows) },
            { label: 'p95 latency (ms)', values: t.per_minute.map((b) => b.p95_ms), scale: 'ms' },
          ],
        )
      : null,
    h('h2', {}, 'Live accuracy (from feedback)'),
    h(
      'table',
      { class: 'kv', id: 'live' },
      h('caption', { class: 'sr-only' }, 'Accuracy of predictions whose actuals came back'),
      h(
        'tbody',
        {},
        kv('predictions with actuals', String(cur.n)),
        kv('R² / RMSE / MAE', `${num(cur.r2)} / ${num(cur.rmse)} / ${num(cur.mae)}`),
        kv(
          'at training (TEST)',
          m.live.reference
            ? `${num(m.live.reference.r2)} / ${num(m.live.reference.rmse)} / ${num(m.live.reference.mae)}`
            : '—',
        ),
        kv(
          'interval coverage',
          `${pct(cur.coverage)}${m.live.reference?.coverage ? ` (nominal ${pct(m.live.reference.coverage)})` : ''}`,
        ),
      ),
    ),
    m.live.note ? h('p', { class: 'note' }, m.live.note) : null,
    m.live.over_time.length > 1
      ? overTime(
          'RMSE of the predictions with actuals, in consecutive chunks',
          m.live.over_time.map((c) => Date.parse(c.end) / 1000),
          [{ label: 'RMSE', values: m.live.over_time.map((c) => c.rmse) }],
        )
      : null,
    h('h2', {}, 'Drift'),
    ...(m.drift ? driftSection(m.drift) : [h('p', { class: 'note' }, m.drift_note ?? 'No drift report')]),
  ];
}

function kv(k: string, v: string): HTMLElement {
  return h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, v));
}

function driftSection(d: NonNullable<NonNullable<ProductionJson['monitoring']>['drift']>): HTMLElement[] {
  const rows = d.prediction ? [...d.features, d.prediction] : d.features;
  const ds = d.dataset;
  lastRows = rows;
  const histogram = histogramOf(rows);
  return [
    h(
      'p',
      { id: 'drift-summary' },
      `${ds.drifted_features.length} of ${ds.n_judged} features drifted (share ${pct(ds.share)}, alarm above ${pct(ds.threshold)})${ds.drifted_features.length ? `: ${ds.drifted_features.join(', ')}` : ''}`,
    ),
    h(
      'table',
      { class: 'drift' },
      h('caption', { class: 'sr-only' }, 'Drift per feature: the latest window against the training profile'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          [
            'feature',
            'method',
            'statistic',
            'p-value',
            'threshold',
            'drifted',
            'PSI',
            'rows',
            'histogram',
          ].map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((f) => driftRow(f, histogram)),
      ),
    ),
    histogram,
  ];
}

/** The picked feature's reference and current distributions, as bars and as a table. */
function histogramOf(rows: FeatureDriftRow[]): HTMLElement {
  const f = rows.find((r) => r.feature === picked) ?? rows.find((r) => r.drifted) ?? rows[0];
  if (!f) return h('div', { id: 'drift-histogram' });
  const d = f.distribution;
  const verdict = f.drifted === null ? 'no verdict' : f.drifted ? 'drifted' : 'not drifted';
  return h(
    'div',
    { id: 'drift-histogram', 'data-feature': f.feature, 'aria-live': 'polite' },
    h('h3', {}, `${f.feature}: training vs the latest window (${f.method} ${num(f.statistic)}, ${verdict})`),
    distributionChart(
      `Share of rows per bin of ${f.feature}: the training profile (reference) against the latest window (current)`,
      d.bins,
      d.reference,
      d.current,
    ),
    h(
      'details',
      {},
      h('summary', {}, `The numbers of ${f.feature}'s histogram`),
      h(
        'table',
        { class: 'histogram' },
        h('caption', { class: 'sr-only' }, `Share of rows per bin of ${f.feature}`),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['bin', 'reference', 'current'].map((c) => h('th', { scope: 'col' }, c)),
          ),
        ),
        h(
          'tbody',
          {},
          d.bins.map((b, i) =>
            h(
              'tr',
              {},
              h('th', { scope: 'row' }, b),
              h('td', { class: 'num', 'data-col': 'reference' }, pct(d.reference[i])),
              h('td', { class: 'num', 'data-col': 'current' }, pct(d.current[i])),
            ),
          ),
        ),
      ),
    ),
  );
}

function driftRow(f: FeatureDriftRow, histogram: HTMLElement): HTMLElement {
  const shown = histogram.getAttribute('data-feature') === f.feature;
  const verdict = f.drifted === null ? `n/a${f.reason ? `: ${f.reason}` : ''}` : f.drifted ? 'YES' : 'no';
  return h(
    'tr',
    { class: f.drifted ? 'drifted' : '', 'data-feature': f.feature },
    h('th', { scope: 'row' }, f.feature),
    h('td', {}, f.method),
    h('td', { class: 'num' }, num(f.statistic)),
    h('td', { class: 'num' }, num(f.p_value)),
    h('td', { class: 'num' }, num(f.threshold)),
    h('td', { 'data-col': 'drifted' }, verdict),
    h('td', { class: 'num' }, num(f.psi)),
    h('td', { class: 'num' }, `${f.n_current} / ${f.n_reference}`),
    h(
      'td',
      {},
      h(
        'button',
        {
          type: 'button',
          id: `histogram-${f.feature}`,
          'data-histogram': f.feature,
          'aria-pressed': String(shown),
          'aria-controls': 'drift-histogram',
          onclick: () => showHistogram(f.feature),
        },
        h('span', { class: 'sr-only' }, `${f.feature} `),
        'histogram',
      ),
    ),
  );
}

/** Picks `feature`'s histogram; the next refresh keeps it. */
function showHistogram(feature: string): void {
  picked = feature;
  // Re-render from the data already shown: replace the table's pressed states and the figure.
  const current = document.getElementById('drift-histogram');
  const rows = lastRows;
  if (!current || !rows) return;
  current.replaceWith(histogramOf(rows));
  for (const b of document.querySelectorAll('button[data-histogram]')) {
    b.setAttribute('aria-pressed', String(b.getAttribute('data-histogram') === feature));
  }
}
